"""The wave generator, for the benches and the command line: `python -m bench.wavegen OUT_DIR`.

It lives with the demo (complaints/demo/wavegen.py), which loads a smaller wave of its own.
"""

from complaints.demo.wavegen import generate, main

__all__ = ["generate", "main"]

if __name__ == "__main__":
    main()

"""Start MSC-CRF: `python main.py` is the same as `uv run msct-crf`."""

import sys

from ui.launch import main

if __name__ == "__main__":
    sys.exit(main())

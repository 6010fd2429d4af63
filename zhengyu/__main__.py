"""``python -m zhengyu``: the same CLI as the ``zhengyu`` script (the demo starts its children this way)."""

from zhengyu.cli import main

if __name__ == "__main__":
    main()

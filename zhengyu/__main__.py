"""``python -m zhengyu`` is the ``zhengyu`` command."""

from zhengyu.cli import main

main()

"""The ``zhengyu`` command: one group, one module per subcommand family."""

from __future__ import annotations

import logging

import click

from zhengyu.cli.app import ZhengyuGroup, pass_app, root_options  # noqa: F401  (re-exported for subcommands)
from zhengyu.cli import (
    analysis, brief_cmd, config_cmd, crawl, db, demo, detect_cmd, extract_cmd, issue_handling, publishing, releases,
    runtime, users,
)

log = logging.getLogger(__name__)


@click.group(cls=ZhengyuGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@root_options
def cli(**_options) -> None:
    """政舆 Zhengyu：政法舆情监测、研判、预警与权威发布工具。

    \b
    Typical use:
      zhengyu demo                 # everything on embedded defaults, with a live dashboard
      zhengyu db upgrade           # create or migrate the database
      zhengyu crawl --all          # collect from the configured sources
      zhengyu analyze              # score sentiment, keywords and categories of new posts
      zhengyu dashboard            # open the analysts' dashboard
    """


for module in (demo, db, config_cmd, crawl, extract_cmd, analysis, detect_cmd, issue_handling, runtime, publishing,
               releases, brief_cmd, users):
    module.register(cli)


def main() -> None:
    cli.main(prog_name="zhengyu")

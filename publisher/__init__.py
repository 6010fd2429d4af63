"""Everything outbound: releases, review workflow, WeChat publishing, alerts and briefs."""

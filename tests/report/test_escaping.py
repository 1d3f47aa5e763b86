"""Every user string in the HTML report is escaped; the page needs no network."""

import re

from interstore.report.build import build_report

EVIL = "<script>alert('x')</script>"


def test_script_in_user_strings_is_escaped(minimal_study, tmp_path):
    study = minimal_study(name=EVIL, description=f"desc {EVIL} & more", bonding=f"V–O–C {EVIL}",
                          finding=f"finding {EVIL}")
    written = build_report(study, tmp_path / "out")
    page = written["report.html"].read_text(encoding="utf-8")
    assert EVIL not in page
    assert "alert('x')" not in page
    assert page.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") >= 4  # name, description, bonding, finding
    # self-contained: no external scripts or stylesheets
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=\"?https?:", page)

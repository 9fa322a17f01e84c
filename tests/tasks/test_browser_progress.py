"""In a real Chromium: two liaisons of one unit write this week's report at once, and a liaison
on a phone attaches a photo and submits."""

from tests.test_browser import chromium, demo_site, log_in, pytestmark  # noqa: F401  (fixtures and marks)

UNIT = "市发展改革委"


def colleague_username() -> str:
    from campaign.models import Liaison

    return Liaison.objects.filter(unit__name=UNIT).exclude(user__username="liaison").get().user.username


def open_this_weeks_report(page, base: str) -> None:
    page.goto(base + "/progress/")
    page.click("main form[action$='/progress/start/'] button")
    page.wait_for_load_state("networkidle")
    assert "/edit/" in page.url


def this_weeks_report():
    from tasks import weeks
    from tasks.models import WeeklyProgress

    return WeeklyProgress.objects.get(unit__name=UNIT, week_start=weeks.current_week_start())


def is_autosave(response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/edit/")


def test_two_liaisons_edit_one_report_and_neither_text_is_lost(demo_site, chromium):  # noqa: F811
    a = chromium.new_context(locale="zh-CN").new_page()
    b = chromium.new_context(locale="zh-CN").new_page()
    log_in(a, demo_site, "liaison")
    log_in(b, demo_site, colleague_username())
    open_this_weeks_report(a, demo_site)
    open_this_weeks_report(b, demo_site)
    assert a.url == b.url

    # A writes and saves.
    a.fill("textarea[name=highlights]", "甲：完成专题读书班第二期。")
    a.click("button[name=action][value=save]")
    a.wait_for_load_state("networkidle")
    assert this_weeks_report().highlights == "甲：完成专题读书班第二期。"

    # B, whose page was opened before A saved, types: the autosave is refused.
    b.fill("textarea[name=highlights]", "乙：形成调研报告初稿。")
    with b.expect_response(is_autosave, timeout=15000):
        b.press("textarea[name=highlights]", "End")
    b.wait_for_selector("#conflict article")
    assert "甲：完成专题读书班第二期。" in b.inner_text("#conflict")
    assert b.input_value("textarea[name=highlights]") == "乙：形成调研报告初稿。"
    assert b.inner_text("#autosave")  # says it was not saved
    # More keystrokes are refused too: A's text is still there.
    with b.expect_response(is_autosave, timeout=15000):
        b.press("textarea[name=highlights]", "End")
    assert this_weeks_report().highlights == "甲：完成专题读书班第二期。"

    # B starts from A's text, keeps their own line from the panel, and saves both.
    b.click("#conflict button[name=rebase]")
    b.wait_for_load_state("networkidle")
    assert b.input_value("textarea[name=highlights]") == "甲：完成专题读书班第二期。"
    assert "乙：形成调研报告初稿。" in b.inner_text("#conflict")
    b.fill("textarea[name=highlights]", "甲：完成专题读书班第二期。\n乙：形成调研报告初稿。")
    b.click("button[name=action][value=save]")
    b.wait_for_load_state("networkidle")
    saved = this_weeks_report().highlights
    assert "甲：完成专题读书班第二期。" in saved and "乙：形成调研报告初稿。" in saved


def small_png(path):
    """An 8×8 red PNG: a real image, as a phone's camera would give (only smaller)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return str(path)


def phone(chromium):  # noqa: F811
    return chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    ).new_page()


def test_liaison_attaches_a_photo_on_a_phone_then_submits(demo_site, chromium, tmp_path):  # noqa: F811
    photo = small_png(tmp_path / "现场照片.png")
    page = phone(chromium)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, demo_site, "liaison")
    open_this_weeks_report(page, demo_site)
    page.fill("textarea[name=highlights]", "完成专题读书班第二期，现场照片已上传。")
    page.fill("textarea[name=next_week_plan]", "下周召开调研成果交流会。")
    with page.expect_response(is_autosave, timeout=15000):
        page.set_input_files("#id_files", photo)
    page.wait_for_selector("#evidence a:has-text('现场照片.png')")
    assert page.input_value("#id_files") == ""  # the picker is cleared: the photo is not sent twice
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state("networkidle")
    assert "/edit/" not in page.url, page.inner_text("main")
    report = this_weeks_report()
    assert report.status == "submitted"
    assert [a.original_name for a in report.attachments.all()] == ["现场照片.png"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []


def test_liaison_picks_a_photo_and_taps_submit_at_once_on_a_phone(demo_site, chromium, tmp_path):  # noqa: F811
    """The tap comes before the autosave of the file has answered: it waits for it (or goes in its
    place), so the submission is not refused as stale and the photo is attached once."""
    photo = small_png(tmp_path / "现场照片.png")
    page = phone(chromium)
    log_in(page, demo_site, "liaison")
    open_this_weeks_report(page, demo_site)
    page.fill("textarea[name=highlights]", "完成专题读书班第二期。")
    page.fill("textarea[name=next_week_plan]", "下周召开调研成果交流会。")
    page.set_input_files("#id_files", photo)
    page.click("button[name=action][value=submit]")
    page.wait_for_url("**/progress/*/", timeout=15000)
    page.wait_for_load_state("networkidle")
    report = this_weeks_report()
    assert report.status == "submitted", page.inner_text("main")
    assert [a.original_name for a in report.attachments.all()] == ["现场照片.png"]

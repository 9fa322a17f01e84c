"""What a person sees in an answer: a page's title and the words of a refusal, in the site's
language (zh_Hans), so a test can say what the person sees, not only the status code."""

import html
import re

# The refusal pages (templates/403.html, templates/404.html) and API answers (config/errors.py).
NOT_ALLOWED = "无权访问"
NOT_FOUND = "页面不存在"
NOT_FOUND_TEXT = "该页面不存在，或不在您的查看权限范围内。"
API_NOT_FOUND = {"detail": "未找到。"}
API_NOT_AUTHENTICATED = {"detail": "身份认证信息未提供。"}

SITE = " · 主题教育推进管理系统"


def page_title(response) -> str:
    """The page's <title> without the site's name: what the browser's tab shows."""
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert found, "the answer is not a page"
    return html.unescape(found.group(1).strip()).removesuffix(SITE)


def page_text(response) -> str:
    return html.unescape(response.content.decode())

"""An HTML mock of Slack showing Block Kit messages, for the README's screenshot (headless Chromium).

It draws what a Slack client draws for the blocks Paper Radar sends (header, section text and fields,
context, actions, divider): plain_text as written, mrkdwn with its links (`<url|label>`), bold and
line breaks. A thread is drawn as Slack does: the parent in the channel with its reply count, the
replies in the thread pane beside it. Only the look is mocked; the blocks are the ones the fake
Slack server received.
"""

from __future__ import annotations

import html
import re

FONT = "font-family:Lato,'Noto Sans','Noto Sans CJK KR',Arial,sans-serif"
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")


def mrkdwn(text: str) -> str:
    """mrkdwn as Slack draws it: links, bold, line breaks; `&amp;`, `&lt;` and `&gt;` shown as the characters."""
    def plain(part: str) -> str:
        return _BOLD.sub(r"<b>\1</b>", html.escape(html.unescape(part), quote=False))

    out, last = [], 0
    for m in _LINK.finditer(text):
        out += [plain(text[last:m.start()]), f'<a href="{html.escape(m.group(1))}">{plain(m.group(2))}</a>']
        last = m.end()
    return ("".join(out) + plain(text[last:])).replace("\n", "<br>")


def text(obj: dict) -> str:
    return mrkdwn(obj["text"]) if obj["type"] == "mrkdwn" else html.escape(obj["text"])


def block(b: dict) -> str:
    kind = b["type"]
    if kind == "header":
        return f'<div style="font-size:18px;font-weight:900;margin:4px 0 6px">{text(b["text"])}</div>'
    if kind == "divider":
        return '<hr style="border:0;border-top:1px solid #e0e0e0;margin:10px 0">'
    if kind == "context":
        parts = "".join(f'<span style="margin-right:10px">{text(e)}</span>' for e in b["elements"])
        return f'<div style="font-size:12px;color:#616061;margin:4px 0">{parts}</div>'
    if kind == "actions":
        buttons = "".join(f'<a href="{e["url"]}" style="display:inline-block;border:1px solid #bbb;border-radius:4px;'
                          f'padding:3px 12px;margin:4px 6px 0 0;color:#1d1c1d;text-decoration:none;font-weight:700;'
                          f'font-size:13px">{text(e["text"])}</a>' for e in b["elements"])
        return f"<div>{buttons}</div>"
    if "fields" in b:
        cells = "".join(f'<div style="width:50%;padding:2px 0">{text(f)}</div>' for f in b["fields"])
        return f'<div style="display:flex;flex-wrap:wrap;font-size:14px;margin:4px 0">{cells}</div>'
    return f'<div style="font-size:15px;line-height:1.45;margin:4px 0">{text(b["text"])}</div>'


def message(payload: dict, *, replies: int = 0) -> str:
    body = "".join(block(b) for b in payload["blocks"])
    count = (f'<div style="color:#1264a3;font-size:13px;font-weight:700;margin-top:6px">{replies} replies</div>'
             if replies else "")
    return ('<div style="display:flex;padding:8px 20px"><div style="width:36px;height:36px;border-radius:6px;'
            'background:#4a154b;color:#fff;font-weight:900;text-align:center;line-height:36px;flex:none">PR</div>'
            '<div style="margin-left:10px;flex:1"><div style="font-size:15px"><b>Paper Radar</b> <span style="'
            'background:#e8e8e8;border-radius:3px;font-size:10px;padding:1px 3px;color:#616061">APP</span> '
            f'<span style="color:#616061;font-size:12px">9:00 AM</span></div>{body}{count}</div></div>')


def page(channel: str, parent: dict, replies: list[dict], total: int) -> str:
    """The channel with the parent message ("`total` replies"), and the thread pane with the first `replies`."""
    thread, channel_view = "".join(message(r) for r in replies), message(parent, replies=total)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>a{{color:#1264a3;text-decoration:none}}'
            f'</style></head><body style="margin:0;{FONT};color:#1d1c1d;background:#fff">'
            '<div style="display:flex;height:100vh">'
            f'<div style="flex:1;border-right:1px solid #ddd"><div style="padding:12px 20px;border-bottom:1px solid '
            f'#ddd;font-weight:900;font-size:18px"># {html.escape(channel)}</div>{channel_view}'
            '</div><div style="width:560px;overflow:hidden"><div style="padding:12px 20px;border-bottom:1px solid '
            f'#ddd;font-weight:900;font-size:18px">Thread</div>{thread}</div></div></body></html>')

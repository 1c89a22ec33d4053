"""A tiny OpenAI-compatible chat server for tests: `python tests/fake_openai_server.py LOGFILE`.

Prints `PORT <n>` on its first line, then serves POST /v1/chat/completions. The
answer is chosen by the request's model name (a scenario), and every request body
and Authorization header is appended to LOGFILE as one JSON line, so a test can see
exactly what the drafter sent. Standard library only.

Scenarios: good, bad-cite, malformed, refusal, refusal-json, content-filter, slow,
http500, dirty, wrapped, invent, no-json-mode, not-openai, long.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG_LOCK = threading.Lock()


def _refs(prompt: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"<<<先例 (P\d+) 开始>>>", prompt)))


def _first_precedent(prompt: str) -> str:
    m = re.search(r"<<<先例 P1 开始>>>\n来源：[^\n]*\n(.*?)\n<<<先例 P1 结束>>>", prompt, re.S)
    return m.group(1) if m else ""


def answer(model: str, body: dict) -> tuple[int, dict | str, float]:
    """(status, JSON body or raw text, seconds to sleep first) for a scenario."""
    prompt = body["messages"][-1]["content"]
    refs = _refs(prompt)
    base = _first_precedent(prompt)[:300] or "本项目按计划实施。"

    def reply(content, finish="stop", **message):
        return {"id": "chatcmpl-fake", "object": "chat.completion", "model": f"fake-{model}",
                "choices": [{"index": 0, "finish_reason": finish,
                             "message": {"role": "assistant", "content": content, **message}}]}

    def js(text, cites):
        return json.dumps({"text": text, "citations": cites}, ensure_ascii=False)

    if model == "good":
        return 200, reply(js(f"（模型改写）{base}", refs[:2])), 0
    if model == "bad-cite":
        return 200, reply(js(f"（模型改写）{base}", ["P1", "P9", "先例X"])), 0
    if model == "malformed":
        return 200, reply("这是草稿：项目很重要，应当实施。"), 0
    if model == "refusal":
        return 200, reply("抱歉，我无法协助完成这个请求。"), 0
    if model == "refusal-json":
        return 200, reply(js("", [])), 0
    if model == "content-filter":
        return 200, reply(None, finish="content_filter"), 0
    if model == "slow":
        return 200, reply(js("迟到的回答", ["P1"])), 3.0
    if model == "http500":
        return 500, {"error": {"message": "internal error <script>alert(1)</script>"}}, 0
    if model == "dirty":
        text = f"第一段\x00\x07正文\u202e{base}\n<script>alert('x')</script><b>加粗</b>\n[点我](javascript:alert(1))\n![](http://evil.example/x.png)"
        return 200, reply(js(text, ["P1"])), 0
    if model == "wrapped":
        return 200, reply(f"<think>先想一想 {{\"text\": \"不是这个\"}}</think>好的，草稿如下：\n```json\n{js(f'（包装）{base}', ['[P1]', 'p2'])}\n```\n希望有帮助。"), 0
    if model == "invent":
        text = f"{base}\n本年度计划检查工地 987 个，依据《虚构的工地管理办法》执行。。"
        return 200, reply(js(text, ["P1"])), 0
    if model == "no-json-mode":
        if "response_format" in body:
            return 400, {"error": {"message": "response_format not supported"}}, 0
        return 200, reply(js(f"（无 JSON 模式）{base}", ["P1"])), 0
    if model == "not-openai":
        return 200, {"result": "ok"}, 0
    if model == "long":
        return 200, reply(js("很长" * 20000, ["P1"])), 0
    return 404, {"error": {"message": f"model {model} not found"}}, 0


class Handler(BaseHTTPRequestHandler):
    log_path = ""

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        with LOG_LOCK, open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"path": self.path, "auth": self.headers.get("Authorization"), "body": body},
                               ensure_ascii=False) + "\n")
        if self.path.rstrip("/") != "/v1/chat/completions":
            status, payload, delay = 404, {"error": {"message": "not found"}}, 0
        else:
            status, payload, delay = answer(str(body.get("model", "")), body)
        time.sleep(delay)
        data = (payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass


def main() -> None:
    Handler.log_path = sys.argv[1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

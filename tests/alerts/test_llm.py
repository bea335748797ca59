"""The optional LLM summariser end to end: `[alerts.llm]` in radar.toml, a fake OpenAI-compatible chat endpoint
on 127.0.0.1, the API key from the environment, and one Korean newsletter issue of ten papers delivered to
Slack (bot token) and by webhook. An answer that keeps the TL;DR rules is delivered; one that breaks them
(over 400 characters or two sentences, a cut sentence, English for a Korean blurb) or an endpoint that errs is
replaced by the extractive TL;DR, and the delivery goes on. Each paper is summarised once per run however
many channels get it; an endpoint that is down is given up on after `LLM_MAX_FAILURES` failures in a row."""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from alerts.paper_summary import LLM_MAX_FAILURES, extract_tldr
from flows.pipeline.delivery import deliver
from storage.db import open_db
from storage.ledger import load_paper_facts
from tests.alerts.conftest import channels_toml, settings_for
from tests.alerts.summary_checks import problems
from tests.alerts.test_summary_corpus import slack_summaries
from tests.httpserver import Reply

KEY = "sk-local-llm-key-not-a-secret"
RULE = '[[alerts.rules]]\nname = "everything"\nmin_sources = 1\nroutes = ["research", "hook"]\n'
#: What the fake model answers, by the paper's title in the prompt: good Korean TL;DRs, and answers that break a rule.
GOOD = {
    "SWE-agent": "SWE-agent는 언어 모델 에이전트에게 전용 파일 명령을 주는 인터페이스를 제안합니다. "
                 "SWE-bench 전체 테스트 세트에서 이슈의 12.5%를 해결했습니다.",
    "Mistral 7B": "Mistral 7B는 그룹 쿼리 어텐션과 슬라이딩 윈도 어텐션을 쓴 73억 파라미터 모델입니다. "
                  "MMLU에서 60.1%를 기록했습니다.",
    "Gemma": "Gemma는 Gemini 연구에 기반한 공개 모델 계열입니다. 70억 파라미터 모델이 MMLU에서 64.3%를 기록했습니다.",
}
BROKEN = {
    "Chain-of-Thought": "예시 몇 개만으로 큰 모델이 여러 단계의 추론을 합니다. " * 12,  # too long
    "ReAct": "추론과 행동을 번갈아 합니다. 도구를 씁니다. ALFWorld에서 34% 높았습니다.",  # three sentences
    "FlashAttention": "FlashAttention은 어텐션 계산을 타일로 나누어 GPU 메모리를",  # cut
    "Tree of Thoughts": "Tree of Thoughts lets a model search over partial solutions and backtrack.",  # English
}


def answer_with(text: str) -> Reply:
    return Reply(200, json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode(),
                 {"Content-Type": "application/json"})


@pytest.fixture
def model(http_server):
    """The fake endpoint: it answers from GOOD and BROKEN by title, 500 for DPO, and refuses a wrong key."""

    def complete(request):
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return Reply(401, b'{"error": {"message": "bad key"}}')
        prompt = json.loads(request.body)["messages"][0]["content"]
        title = re.search(r"^Title: (.*)$", prompt, re.M).group(1)
        if title.startswith("Direct Preference"):
            return Reply(500, b'{"error": {"message": "overloaded"}}')
        for name, text in {**GOOD, **BROKEN}.items():
            if title.startswith(name):
                return answer_with(text)
        return answer_with("이 논문은 좋은 논문입니다.")  # a plain, valid answer for the other papers

    http_server.handle("/v1/chat/completions", complete)
    return http_server


def llm_toml(url: str, timeout: float = 5) -> str:
    return (f'[alerts.llm]\nenabled = true\nurl = "{url}"\nmodel = "local-model"\n'
            f'api_key = {{env = "RADAR_TEST_LLM_KEY"}}\ntimeout_seconds = {timeout}\n')


@pytest.fixture
def db(tmp_path, ten_paper_db) -> Path:
    return Path(shutil.copy(ten_paper_db, tmp_path / "radar.duckdb"))


def papers_by_id(db: Path) -> dict:
    with open_db(db, read_only=True) as conn:
        return {p.arxiv_id: p for p in load_paper_facts(conn)}


def test_llm_tldrs_are_delivered_when_they_keep_the_rules_else_the_extractive_ones(
        tmp_path, db, slack, model, monkeypatch, caplog):
    monkeypatch.setenv("RADAR_TEST_LLM_KEY", KEY)
    caplog.set_level(logging.DEBUG)
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULE, head=llm_toml(model.url("/v1")))
    report = deliver(settings)
    assert not report.failed, [r.errors for r in report.results]
    papers = papers_by_id(db)
    by_title = {p.display_title: p for p in papers.values()}
    bot, hook = slack_summaries(slack.posts), slack_summaries(slack.webhook_posts)
    assert len(bot) == len(hook) == 10
    # Both channels show the same TL;DR: each paper was summarised once, one request per paper.
    assert {k: v[0] for k, v in bot.items()} == {k: v[0] for k, v in hook.items()}
    assert len(model.requests_to("/v1/chat/completions")) == 10
    for name, text in GOOD.items():
        paper = next(p for t, p in by_title.items() if t.startswith(name))
        assert bot[paper.arxiv_id][0] == text
    fallbacks = [next(p for t, p in by_title.items() if t.startswith(n)) for n in [*BROKEN, "Direct Preference"]]
    for paper in fallbacks:
        assert bot[paper.arxiv_id][0] == extract_tldr(paper) != ""
        assert problems(paper, *bot[paper.arxiv_id]) == []  # the fallback meets the bar
    assert sum(t == "이 논문은 좋은 논문입니다." for t, _ in bot.values()) == 10 - len(GOOD) - len(fallbacks)
    # Why each answer was not used is logged; the key is in no log line and in no table.
    for reason in ("characters, 12 sentences", "characters, 3 sentences", "not a whole sentence",
                   "written in en, the blurb in ko", "HTTPStatusError"):
        assert reason in caplog.text
    assert KEY not in caplog.text
    with duckdb.connect(str(db), read_only=True) as conn:
        dump = json.dumps(conn.execute("SELECT * FROM alerts").fetchall(), default=str)
    assert KEY not in dump


def test_an_endpoint_that_is_down_is_given_up_on_and_the_delivery_goes_on(tmp_path, db, slack, http_server,
                                                                          monkeypatch):
    monkeypatch.setenv("RADAR_TEST_LLM_KEY", KEY)
    http_server.handle("/down/v1/chat/completions", lambda request: Reply(503, b"{}"))
    settings = settings_for(tmp_path, db, channels_toml(slack) + RULE, head=llm_toml(http_server.url("/down/v1")))
    report = deliver(settings)
    assert not report.failed
    # Retried by nobody: LLM_MAX_FAILURES requests, then only the extractive summariser for the other papers.
    assert len(http_server.requests_to("/down/v1/chat/completions")) == LLM_MAX_FAILURES
    papers = papers_by_id(db)
    bot = slack_summaries(slack.posts)
    assert len(bot) == 10 and all(bot[k][0] == extract_tldr(papers[k]) for k in bot)
    assert deliver(settings).results == []  # a re-run posts nothing, and asks nothing
    assert len(http_server.requests_to("/down/v1/chat/completions")) == LLM_MAX_FAILURES


def test_a_timeout_falls_back_within_the_configured_time(tmp_path, db, slack, http_server, monkeypatch):
    monkeypatch.setenv("RADAR_TEST_LLM_KEY", KEY)
    http_server.route("/slow/v1/chat/completions", json.dumps(
        {"choices": [{"message": {"content": "늦은 답입니다."}}]}).encode(), delay=3)
    rule = RULE.replace('routes = ["research", "hook"]', 'routes = ["research"]')
    settings = settings_for(tmp_path, db, channels_toml(slack) + rule,
                            head=llm_toml(http_server.url("/slow/v1"), timeout=0.3))
    assert not deliver(settings).failed
    papers = papers_by_id(db)
    bot = slack_summaries(slack.posts)
    assert len(bot) == 10 and all(bot[k][0] == extract_tldr(papers[k]) for k in bot)
    assert len(http_server.requests_to("/slow/v1/chat/completions")) == LLM_MAX_FAILURES

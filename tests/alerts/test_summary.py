"""The TL;DR and the metric chips of a message: table tests, three differently worded inputs per rule, and
the LLM summariser against a local fake OpenAI-compatible endpoint that answers, errs, times out and
runs long."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from alerts.chips import chip_name, make_chips
from alerts.paper_summary import TLDR_CHARS, LlmSummariser, extract_tldr, summary_inputs
from alerts.sentences import is_sentence, split_sentences
from records.facts import MentionFact, MetricFact, PaperFacts
from tests.alerts.summary_checks import problems
from tests.httpserver import Reply

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def paper(*blurbs: str, abstract: str | None = None, metrics=(), title: str = "A Paper") -> PaperFacts:
    mentions = tuple(MentionFact(f"nl{n}", "primary", title, b, "Issue", f"https://nl{n}.example.org/1", None, NOW,
                                 "poll") for n, b in enumerate(blurbs))
    return PaperFacts("2405.15793", title, abstract=abstract, mentions=mentions, metrics=tuple(metrics))


def metric(name, value, unit="%", kind="score", *, direction=None, qualifier=None, source="nl0", snippet=None,
           seen=NOW) -> MetricFact:
    return MetricFact(name, value, unit, kind, qualifier, source, seen, 0, direction, snippet)


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


# --- sentences -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Baselines, e.g. PPO and DPO, lag behind. It wins.", ["Baselines, e.g. PPO and DPO, lag behind.", "It wins."]),
    ("As Smith et al. report, it works. Then more.", ["As Smith et al. report, it works.", "Then more."]),
    ("It beats GPT-4 vs. Claude on MMLU. The end.", ["It beats GPT-4 vs. Claude on MMLU.", "The end."]),
])
def test_abbreviations_do_not_end_a_sentence(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("새 벤치마크를 제안했습니다. 정확도는 71.2%입니다.", ["새 벤치마크를 제안했습니다.", "정확도는 71.2%입니다."]),
    ("코드가 공개되어 있어요. 바로 써 볼 수 있어요.", ["코드가 공개되어 있어요.", "바로 써 볼 수 있어요."]),
    ("가중치를 공개함 약 11조 토큰으로 학습함 성능이 개선됨",
     ["가중치를 공개함", "약 11조 토큰으로 학습함", "성능이 개선됨"]),
    ("추론 능력을 끌어올렸습니다. long-CoT 설정에서 AIME 77.5점을 기록했습니다.",
     ["추론 능력을 끌어올렸습니다.", "long-CoT 설정에서 AIME 77.5점을 기록했습니다."]),
])
def test_korean_sentence_ends(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text, first", [
    ("Paper · Code Robot foundation models have mostly been closed.", "Robot foundation models"),
    ("arXiv: GitHub: Kimi K2 is a mixture-of-experts model.", "Kimi K2 is"),
    ("(paper / code) DPO drops the separate reward model.", "DPO drops"),
    ("📄 arxiv.org/abs/2412.13663 · 💻 GitHub BERT 이후의 개선을 모두 적용했습니다.", "BERT 이후의"),
    ("Paper | Code (the hopper/ folder) FlashAttention-2 was written for Ampere.", "FlashAttention-2 was"),
    ("Read it: arXiv · code Meta's second generation of open models is here.", "Meta's second"),
    ("Paper · Code Code Llama is Llama 2 trained further on code.", "Code Llama is"),  # the name stays
    ("Code and weights are public under Apache 2.0.", "Code and weights"),  # a sentence, not a bar
])
def test_link_bars_are_dropped_from_a_sentence_start(text, first):
    assert texts(text)[0].startswith(first)


@pytest.mark.parametrize("text, first", [
    ("TL;DR The third EAGLE drops feature prediction.", "The third EAGLE"),
    ("Key results Across 29 tasks it beats RT-2-X by 16.5%.", "Across 29 tasks"),
    ("The gist: Qwen2.5-VL comes in three sizes.", "Qwen2.5-VL comes"),
    ("논문 소개 구조화된 상태 공간 모델을 제안합니다.", "구조화된 상태"),
    ("논문 읽기 데이터 품질이 규모를 대신할 수 있음을 보였습니다.", "데이터 품질이"),
    ("오늘의 논문 작은 모델이 큰 모델을 이기는 방법을 다룹니다.", "작은 모델이"),
    ("논문 리뷰: 선호 쌍만으로 정책을 학습합니다.", "선호 쌍만으로"),
])
def test_section_labels_are_dropped_from_a_sentence_start(text, first):
    assert texts(text)[0].startswith(first)


@pytest.mark.parametrize("text, first", [
    # <a>논문</a>, then the blurb
    ("논문 중간 추론 과정을 담은 예시 몇 개만 보여 줘도 큰 모델이 추론을 해냅니다.", "중간 추론"),
    ("코드 저자들이 학습 스크립트를 모두 공개했습니다.", "저자들이"),
    ("원문 Meta가 공개한 두 번째 세대 모델입니다. 논문 저자들은 안전성도 다룹니다.", "Meta가"),
    ("논문은 어텐션을 타일로 나눕니다.", "논문은"),  # the paper as the subject stays
    ("논문에서 제안한 방법이 MMLU에서 64.3%를 기록했습니다.", "논문에서"),
])
def test_a_korean_link_word_before_the_first_sentence_is_dropped(text, first):
    assert texts(text)[0].startswith(first)
    assert all(t.startswith("논문 저자들은") for t in texts(text)[1:])  # only the text's first sentence


@pytest.mark.parametrize("text", [
    "Model Paper Code miniF2F-test (%) Budget PutnamBench solved Goedel-Prover-SFT 2502.07640 GitHub 57.6 pass@32 7.",
    "Benchmark Setting Score (%) SWE-bench Verified agentic single attempt 65.8 LiveCodeBench v6 pass@1 53.7 ok.",
    "from transformers import AutoModel; model = AutoModel.from_pretrained(model_id).",
    "GitHub - ysymyth/ReAct: [ICLR 2023] ReAct: Synergizing Reasoning and Acting in Language Models.",
    "Fast Inference from Transformers via Speculative Decoding (arXiv).",
    "Read more: FlashAttention (arXiv).",  # a link's text
    "subtracts one attention map from another to cancel attention noise.",  # its subject was a link
    "(다음 글에서 다룰 예정)",
    "zai-org/GLM-4.5.",
])
def test_tables_code_cards_titles_and_fragments_are_not_sentences(text):
    assert not any(is_sentence(s, TLDR_CHARS) for s in split_sentences(text))


# --- the TL;DR -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("blurb, wanted", [
    ("A late addition because several readers asked for it. OpenVLA is a 7B policy built on Llama 2. "
     "Across 29 tasks it beats RT-2-X by 16.5% in absolute task success rate.",
     "OpenVLA is a 7B policy built on Llama 2. Across 29 tasks it beats RT-2-X by 16.5% in absolute task "
     "success rate."),
    ("Back in 2023 everyone used PPO for this. SimPO drops the reference model entirely. "
     "It reaches a 72.4% win rate on AlpacaEval 2.",
     "SimPO drops the reference model entirely. It reaches a 72.4% win rate on AlpacaEval 2."),
    ("We covered its predecessor last week. The model solves 53.3% of AIME problems. "
     "Its authors propose a self-evolution recipe for small models.",
     "The model solves 53.3% of AIME problems. Its authors propose a self-evolution recipe for small models."),
])
def test_history_is_skipped_and_the_result_is_kept(blurb, wanted):
    names = {"16.5": ("success rate", 16.5), "72.4": ("AlpacaEval 2", 72.4), "53.3": ("AIME", 53.3)}
    name, value = next(v for k, v in names.items() if k in blurb)
    title = blurb.split(". ")[1].split()[0]  # "OpenVLA", "SimPO", "The"
    assert extract_tldr(paper(blurb, title=f"{title}: x", metrics=[metric(name, value)])) == wanted


@pytest.mark.parametrize("blurbs, result", [
    (("SWE-agent turns an LM into a software engineer.", "It resolves 12.5% of SWE-bench issues."),
     "It resolves 12.5% of SWE-bench issues."),
    (("Gemma is a family of open models.", "Gemma 7B scores 64.3% on MMLU, ahead of Llama 2."),
     "Gemma 7B scores 64.3% on MMLU, ahead of Llama 2."),
    (("Toolformer teaches itself to call APIs.", "On math word problems it improves accuracy by 11 points."),
     "On math word problems it improves accuracy by 11 points."),
])
def test_the_result_may_come_from_another_newsletter(blurbs, result):
    value = float(next(n for n in ("12.5", "64.3", "11") if n in result))
    name = next(n for n in ("SWE-bench", "MMLU", "accuracy") if n in result)
    tldr = extract_tldr(paper(*blurbs, metrics=[metric(name, value, direction="increase" if value == 11 else None)]))
    assert tldr == f"{blurbs[0]} {result}"


@pytest.mark.parametrize("title, blurb, wanted", [
    ("Mistral 7B", "Mistral 7B beats Llama 2 13B and scores 60.1% on MMLU.",
     "Mistral 7B beats Llama 2 13B and scores 60.1% on MMLU."),  # the title is the subject: kept
    ("DuoAttention", "DuoAttention keeps a full cache only for retrieval heads, for a 60.1% MMLU score.",
     "DuoAttention keeps a full cache only for retrieval heads, for a 60.1% MMLU score."),
    ("DINOv2: Learning Robust Visual Features", "DINOv2: Learning Robust Visual Features The model reaches "
     "60.1% on MMLU.", "The model reaches 60.1% on MMLU."),  # a title line fused with the sentence: dropped
])
def test_a_title_is_dropped_only_where_it_is_not_the_sentences_subject(title, blurb, wanted):
    assert extract_tldr(paper(blurb, title=title, metrics=[metric("MMLU", 60.1)])) == wanted


def test_never_a_cut_sentence_and_at_most_two_within_the_limit():
    long = "It " + "really " * 70 + "works on MMLU with 60.1%."
    p = paper(f"First we set the scene. {long} Then it scores 60.1% on MMLU. Fourth sentence here. Fifth one.",
              metrics=[metric("MMLU", 60.1)])
    tldr = extract_tldr(p)
    assert tldr == "First we set the scene. Then it scores 60.1% on MMLU."
    assert extract_tldr(paper("word " * 500)) == ""  # nothing whole fits: nothing rather than a fragment
    assert not problems(p, tldr, [c.text for c in make_chips(p.metrics)])


def test_korean_blurb_gives_a_korean_tldr_even_with_an_english_abstract():
    blurb = ("지난 호에서 예고한 논문입니다. 구조화된 상태 공간 모델로 어텐션을 대신합니다. "
             "MMLU에서 70.2%를 기록했습니다.")
    p = paper(blurb, abstract="We replace attention with a state-space model. It reaches 70.2% on MMLU.",
              metrics=[metric("MMLU", 70.2), metric("MMLU", 70.2, source="arxiv", seen=None)])
    assert summary_inputs(p).language == "ko"
    assert extract_tldr(p) == "구조화된 상태 공간 모델로 어텐션을 대신합니다. MMLU에서 70.2%를 기록했습니다."


def test_the_abstract_gives_the_result_when_the_blurb_has_none():
    p = paper("이 논문은 새로운 확산 모델 학습법을 제안합니다.",
              abstract="We propose a new recipe. Our 1.7B model reaches 56.2% on HellaSwag.",
              metrics=[metric("HellaSwag", 56.2, source="arxiv", seen=None)])
    assert extract_tldr(p) == ("이 논문은 새로운 확산 모델 학습법을 제안합니다. "
                               "Our 1.7B model reaches 56.2% on HellaSwag.")
    only_abstract = paper(abstract="We propose a new recipe. Our 1.7B model reaches 56.2% on HellaSwag.",
                          metrics=[metric("HellaSwag", 56.2, source="arxiv", seen=None)])
    assert extract_tldr(only_abstract) == "We propose a new recipe. Our 1.7B model reaches 56.2% on HellaSwag."


# --- chips -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("m", [
    metric(None, 80.0), metric(None, 65.7), metric(None, 11.0, qualifier="approximate"),  # no name
    metric("고품질", 24000, "count", "count", qualifier="approximate"), metric("벡터", 99.9, qualifier="at least"),
    metric("above", 7.6, "points"), metric("scratch", 20.4, "%", "relative", direction="increase"),
    metric("그 모델들", 1.0), metric("SFT 기반 모델들", 6.5), metric("puzzles", 74.0), metric("레이어", 22, "score"),
    metric("Million Tokens", 2, "tokens", "size"), metric("audio paired", 680000, "hours", "size"),
])
def test_metrics_without_a_name_or_with_a_junk_name_are_not_chips(m):
    assert chip_name(m) is None and make_chips([m]) == []


@pytest.mark.parametrize("name", ["Game of 24", "Tower of Hanoi 8", "Blocksworld 6"])
def test_a_task_named_with_its_number_is_a_chip(name):
    assert chip_name(metric(name, 74.0)) == name


@pytest.mark.parametrize("name", ["Table 3", "Figure 2", "Step 4", "step 3"])
def test_a_pointer_into_the_text_is_not_a_chip(name):
    assert chip_name(metric(name, 74.0)) is None


@pytest.mark.parametrize("m, text", [
    (metric("inference latency", 28.0, "%", "relative", direction="reduction"), "-28% inference latency"),
    (metric("KV cache", 75.0, "%", "relative", direction="reduction", qualifier="up to"), "up to -75% KV cache"),
    (metric("training throughput", 20.0, "%", "relative", direction="increase"), "+20% training throughput"),
    (metric("GSM8K", 17.9, "pp", "relative", direction="increase"), "+17.9 pp GSM8K"),
    (metric("parameters", 7.0, "x", "relative", direction="reduction"), "↓7x parameters"),
    (metric("maximum generation throughput", 5.76, "x", "relative", qualifier="up to"),
     "up to 5.76x maximum generation throughput"),
    (metric("accuracy", 11.0, "points", direction="increase"), "+11 points accuracy"),
])
def test_a_change_shows_its_direction(m, text):
    assert [c.text for c in make_chips([m])] == [text]


@pytest.mark.parametrize("m, text", [
    (metric("MMLU", 60.1), "60.1% MMLU"), (metric("win rate", 61.0, qualifier="approximate"), "about 61% win rate"),
    (metric("AIME 2024", 50.0, "points"), "AIME 2024: 50"), (metric("정확도", 94.8), "94.8% 정확도"),
    (metric("context", 128000, "tokens", "size"), "128K context"), (metric("GPUs", 4, "count", "count"), "4 GPUs"),
    (metric("샘플로만", 817, "count", "count"), "817 샘플"), (metric(None, 740, "TFLOPs/s", "size"), "740 TFLOPs/s"),
])
def test_a_named_metric_reads_with_its_name(m, text):
    assert [c.text for c in make_chips([m])] == [text]


def test_total_and_active_parameters_and_ranges_are_one_chip_each():
    snippet = "DeepSeek-V2 has 236B parameters in total but only 21B are active."
    v2 = [metric("parameters", 236e9, "params", "size", snippet=snippet),
          metric("active parameters", 21e9, "params", "size", snippet=snippet)]
    assert [c.text for c in make_chips(v2)] == ["236B total / 21B active params"]
    # The newsletter writes "30.5B params"; the arXiv abstract names total and active.
    moe = [metric("parameters", 30.5e9, "params", "size"),
           metric("total parameters", 30.5e9, "params", "size", source="arxiv", seen=None, snippet="a"),
           metric("active parameters", 3.3e9, "params", "size", source="arxiv", seen=None, snippet="b")]
    assert [c.text for c in make_chips(moe)] == ["30.5B total / 3.3B active params"]
    llama = [metric("parameters", 7e9, "params", "size", qualifier="range-low", snippet="s"),
             metric("parameters", 70e9, "params", "size", qualifier="range-high", snippet="s")]
    assert [c.text for c in make_chips(llama)] == ["7B–70B params"]
    before_after = [metric("AIME 2024", 15.6, qualifier="range-low", snippet="s"),
                    metric("AIME 2024", 71.0, qualifier="range-high", snippet="s")]
    assert [c.text for c in make_chips(before_after)] == ["71% AIME 2024"]


def test_chips_rank_scores_first_and_show_each_text_once():
    ms = [metric("parameters", 7e9, "params", "size"), metric(None, 3.0, "x", "relative"),
          metric("training costs", 42.5, "%", "relative", direction="reduction"),
          metric("training cost", 42.5, "%", "relative", direction="reduction", source="nl1"),
          metric("MMLU", 64.3), metric("tokens", 6e12, "tokens", "size")]
    assert [c.text for c in make_chips(ms)] == ["64.3% MMLU", "-42.5% training cost", "6T tokens"]


# --- the LLM summariser ----------------------------------------------------------------------------------------

def swe() -> PaperFacts:
    return paper("SWE-agent turns an LM into a software engineer. It resolves 12.5% of SWE-bench issues.",
                 abstract="We introduce SWE-agent. It solves 12.5% of SWE-bench.",
                 metrics=[metric("SWE-bench", 12.5)], title="SWE-agent")


@pytest.fixture
def llm(http_server):
    answers = {
        "FAIL": Reply(500, b'{"error": "boom"}'),
        "EMPTY": Reply(200, json.dumps({"choices": [{"message": {"content": " "}}]}).encode()),
        "LONG": Reply(200, json.dumps({"choices": [{"message": {"content": "Too long. " * 60}}]}).encode()),
        "THREE": Reply(200, json.dumps({"choices": [{"message": {"content": "One. Two. Three."}}]}).encode()),
    }

    def answer(request):
        content = json.loads(request.body)["messages"][0]["content"]
        for word, reply in answers.items():
            if f"Title: {word}" in content:
                return reply
        assert request.headers["authorization"] == "Bearer sk-test"
        text = "SWE-agent gives LMs a computer interface. It resolves 12.5% of SWE-bench issues."
        return Reply(200, json.dumps({"choices": [{"message": {"content": text}}]}).encode(),
                     {"Content-Type": "application/json"})

    http_server.handle("/v1/chat/completions", answer)
    http_server.route("/slow/v1/chat/completions", b"{}", delay=3)
    return http_server


def test_llm_summariser_answers_within_the_rules_and_falls_back_otherwise(llm):
    from dataclasses import replace

    with httpx.Client(timeout=0.5) as client:
        ok = LlmSummariser(client, llm.url("/v1"), "m", api_key="sk-test")
        assert ok.tldr(swe()) == "SWE-agent gives LMs a computer interface. It resolves 12.5% of SWE-bench issues."
        for word in ("FAIL", "EMPTY", "LONG", "THREE"):
            odd = replace(swe(), title=word)
            assert ok.tldr(odd) == extract_tldr(odd)
        slow = LlmSummariser(client, llm.url("/slow/v1"), "m")
        assert slow.tldr(swe()) == extract_tldr(swe())
        assert ok.failures == 4 and slow.failures == 1
    sent = json.loads(llm.requests_to("/v1/chat/completions")[0].body)
    prompt = sent["messages"][0]["content"]
    assert sent["model"] == "m" and "in English" in prompt and f"at most {TLDR_CHARS} characters" in prompt
    assert "Newsletter blurb: SWE-agent turns" in prompt and "arXiv abstract: We introduce" in prompt


def test_llm_prompt_asks_for_the_blurb_language(llm):
    korean = paper("새 에이전트를 제안합니다. SWE-bench에서 12.5%를 해결했습니다.", metrics=[metric("SWE-bench", 12.5)])
    with httpx.Client(timeout=2) as client:
        LlmSummariser(client, llm.url("/v1"), "m", api_key="sk-test").tldr(korean)
    assert "in Korean" in json.loads(llm.requests_to("/v1/chat/completions")[0].body)["messages"][0]["content"]

"""extract_metrics on single sentences: every form a newsletter writes a result in, English and Korean, and
the numbers that must never become metrics."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics, locate_metrics
from extractors.records import Metric

# (sentence, expected metrics). Each expected metric is (value, unit, fields that must also match); the
# sentence must yield exactly these (value, unit) pairs, in any order.
ENGLISH = [
    ("The model reaches 56% on HellaSwag.", [(56, "%", {"name": "HellaSwag", "kind": "score"})]),
    ("It scores 90.8% on MMLU and 71.5% on GPQA Diamond.",
     [(90.8, "%", {"name": "MMLU"}), (71.5, "%", {"name": "GPQA Diamond"})]),
    ("That gives 79.8% pass@1 on AIME 2024 and 97.3% on MATH-500.",
     [(79.8, "%", {"name": "AIME 2024"}), (97.3, "%", {"name": "MATH-500"})]),
    ("The agent earns an Elo rating of 2,029 on Codeforces.", [(2029, "Elo", {"name": "Codeforces"})]),
    ("Guanaco reaches 99.3% of ChatGPT's level on the Vicuna benchmark.", [(99.3, "%", {"name": "Vicuna"})]),
    ("The prover solves 41.2% of problems on IMO-AnswerBench.", [(41.2, "%", {"name": "IMO-AnswerBench"})]),
    ("MMLU: 67.5%, HellaSwag (89.1%).", [(67.5, "%", {"name": "MMLU"}), (89.1, "%", {"name": "HellaSwag"})]),
    # signed gains listed after their benchmarks, curated or not; none of them is the subject
    ("Gains: GSM8K (+17.9%), SVAMP (+11.0%), AQuA (+12.2%), StrategyQA (+6.4%) and ARC-challenge (+3.9%).",
     [(17.9, "%", {"name": "GSM8K", "direction": "increase"}), (11.0, "%", {"name": "SVAMP", "subject": None}),
      (12.2, "%", {"name": "AQuA", "subject": None}), (6.4, "%", {"name": "StrategyQA"}),
      (3.9, "%", {"name": "ARC-challenge"})]),
    # a model before a signed change is not taken for a benchmark, nor is an unsigned name
    ("Over the baseline, Llama-3-8B (+3.1%) and DBRX (45%).", [(3.1, "%", {"name": None}), (45, "%", {"name": None})]),
    # a magnitude word alone repeats the unit of the last size of that magnitude in the sentence
    ("The 27B model saw 13 trillion tokens, the 9B model 8 trillion and the 2B model 2 trillion.",
     [(27e9, "params", {}), (13e12, "tokens", {}), (9e9, "params", {}), (8e12, "tokens", {}),
      (2e9, "params", {}), (2e12, "tokens", {})]),
    ("It saw 15 trillion tokens after the lab raised 2 billion.", [(15e12, "tokens", {})]),
    ("On SWE-bench Verified, the agent resolves 49% of issues.", [(49, "%", {"name": "SWE-bench Verified"})]),
    ("It scores 8.9 on MT-Bench.", [(8.9, "score", {"name": "MT-Bench"})]),
    ("It gets an F1 of 88.5 on SQuAD and a BLEU score of 41.2.",
     [(88.5, "F1", {"name": "SQuAD"}), (41.2, "BLEU", {})]),
    ("Kernels reach 50-73% of the peak FLOPs/s.",
     [(50, "%", {"qualifier": "range-low"}), (73, "%", {"qualifier": "range-high"})]),
    ("Accuracy improves by 3.2 percentage points.", [(3.2, "pp", {"direction": "increase", "kind": "relative"})]),
    ("We see a +1.5pp gain on GSM8K.", [(1.5, "pp", {"name": "GSM8K", "direction": "increase"})]),
    ("The method gives 6x faster decoding.", [(6, "x", {"name": "decoding", "direction": "increase"})]),
    ("It shows a 6× speedup.", [(6, "x", {})]),
    ("Generation is 2.2-3.6x faster.",
     [(2.2, "x", {"qualifier": "range-low"}), (3.6, "x", {"qualifier": "range-high"})]),
    ("Decoding gets between 2.2 and 3.6 times faster.",
     [(2.2, "x", {"qualifier": "range-low"}), (3.6, "x", {"qualifier": "range-high", "direction": "increase"})]),
    ("It runs about two times faster than the original.",
     [(2, "x", {"qualifier": "approximate", "direction": "increase"})]),
    ("LoRA needs 10,000 times fewer trainable parameters.",
     [(10_000, "x", {"name": "trainable parameters", "direction": "reduction"})]),
    ("The team used 4x more data.", [(4, "x", {"name": "data", "direction": "increase"})]),
    ("This is a threefold reduction in memory.", [(3, "x", {"name": "memory", "direction": "reduction"})]),
    ("They report roughly double the throughput.", [(2, "x", {"name": "throughput", "qualifier": "approximate"})]),
    ("vLLM improves throughput by 2-4x over Orca.",
     [(2, "x", {"name": "throughput", "direction": "increase"}), (4, "x", {"name": "throughput"})]),
    ("The payoff is 5x higher inference throughput.", [(5, "x", {"name": "inference throughput"})]),
    ("It cuts the KV cache by 93.3%.",
     [(93.3, "%", {"name": "KV cache", "direction": "reduction", "kind": "relative"})]),
    ("BLT uses up to 50% fewer inference FLOPs.",
     [(50, "%", {"name": "inference FLOPs", "qualifier": "up to", "direction": "reduction"})]),
    ("A 1.7B parameters model.", [(1.7e9, "params", {"kind": "size"})]),
    ("You can finetune a 65B parameter model.", [(65e9, "params", {"name": "parameters"})]),
    ("Here a 3B-parameter Mamba wins.", [(3e9, "params", {})]),
    ("A 70-billion-parameter model was trained.", [(70e9, "params", {})]),
    ("Jamba has 52 billion parameters.", [(52e9, "params", {})]),
    ("It was trained on 2T tokens and 2.3T pre-training tokens.",
     [(2e12, "tokens", {}), (2.3e12, "tokens", {"name": "pre-training tokens"})]),
    ("It supports a context window of 256K tokens.", [(256_000, "tokens", {})]),
    ("It ships with a 32k context.", [(32_000, "tokens", {})]),
    ("A network with 671B total parameters, of which 37B are activated for each token.",
     [(671e9, "params", {"name": "total parameters"}), (37e9, "params", {"name": "active parameters"})]),
    ("Models range from 70 million to over 16 billion parameters.",
     [(70e6, "params", {"qualifier": "range-low"}), (16e9, "params", {"qualifier": "range-high"})]),
    ("They trained on 5 to 500 billion tokens.", [(5e9, "tokens", {}), (500e9, "tokens", {})]),
    ("We release 7B, 13B and 70B parameters checkpoints.",
     [(7e9, "params", {}), (13e9, "params", {}), (70e9, "params", {})]),
    ("Our 7B model is small.", [(7e9, "params", {})]),
    ("The set has just 1,000 questions.", [(1000, "count", {"name": "questions", "kind": "count"})]),
    ("They trained more than 400 language models.", [(400, "count", {"qualifier": "at least"})]),
    ("Training takes an hour on 16 H100 GPUs.", [(16, "count", {"name": "H100 GPUs"})]),
    ("The cluster used 2,048 GPUs.", [(2048, "count", {})]),
    ("It fits on a single 48GB GPU.", [(48, "GB", {"kind": "size"})]),
    ("It reaches up to 225 TFLOPs/s per GPU.", [(225, "TFLOPs/s", {"qualifier": "up to"})]),
    ("It takes only 24 hours of finetuning.", [(24, "hours", {})]),
    ("Training took 2.788M H800 GPU hours.", [(2_788_000, "GPU hours", {})]),
    ("Total compute was 3.8 × 10^25 FLOPs.", [(3.8e25, "FLOPs", {})]),
    ("The model handles 2048 tokens.", [(2048, "tokens", {})]),
    ("It is ~40% cheaper.", [(40, "%", {"qualifier": "approximate"})]),
    ("Inference is at least 2x faster.", [(2, "x", {"qualifier": "at least"})]),
    ("It improves by more than 7%.", [(7, "%", {"qualifier": "at least", "direction": "increase"})]),
    ("It covers 100+ languages.", [(100, "count", {"qualifier": "at least"})]),
    ("It uses as much as 5x less memory.", [(5, "x", {"qualifier": "up to", "direction": "reduction"})]),
    ("Accuracy stays ≥ 90%.", [(90, "%", {"qualifier": "at least"})]),
    ("The authors measure a 2x-3x speedup.", [(2, "x", {"qualifier": "range-low"}), (3, "x", {})]),
    ("Gemma comes in 2B and 7B sizes.", [(2e9, "params", {}), (7e9, "params", {})]),
    ("It runs at 45 tokens per second.", [(45, "tokens/s", {})]),
    ("The release has 1.4 million samples (600 GB).", [(1.4e6, "count", {"name": "samples"}), (600, "GB", {})]),
    ("It boosts generation throughput 5.76 times.",
     [(5.76, "x", {"name": "generation throughput", "direction": "increase"})]),
    ("It improves accuracy by 11 points on HumanEval.", [(11, "points", {"name": "HumanEval"})]),
    # every field of the record, one form each
    ("DeepSeek-R1 scores 79.8% on AIME 2024.",
     [(79.8, "%", {"name": "AIME 2024", "kind": "score", "qualifier": None, "direction": None,
                   "subject": "DeepSeek-R1"})]),
    ("It improves by .5% on MMLU.", [(0.5, "%", {"name": "MMLU", "kind": "relative", "direction": "increase"})]),
    ("A 7 B model was used.", [(7e9, "params", {"name": "parameters", "kind": "size"})]),
    ("DeepSeek-V3 (671B) is the base.", [(671e9, "params", {"name": "parameters", "subject": "DeepSeek-V3"})]),
    ("We compare Qwen2.5 (7B) and Llama-3 (70B).",
     [(7e9, "params", {"subject": "Qwen2.5"}), (70e9, "params", {"subject": "Llama-3"})]),
    ("Latency drops to between 20 and 30 ms.",
     [(20, "ms", {"qualifier": "range-low", "kind": "size"}), (30, "ms", {"qualifier": "range-high"})]),
    ("It is three times as fast.", [(3, "x", {"kind": "relative", "direction": "increase"})]),
    ("It runs two times faster.", [(2, "x", {"direction": "increase", "qualifier": None})]),
    ("It adds 2.1 pp on GSM8K.", [(2.1, "pp", {"name": "GSM8K", "kind": "relative"})]),
    ("It cuts latency by 28%.", [(28, "%", {"name": "latency", "direction": "reduction", "kind": "relative"})]),
    ("It scores >50% on SWE-bench.", [(50, "%", {"name": "SWE-bench", "qualifier": "at least"})]),
    ("Qwen2.5-7B reaches 56% on HellaSwag with 1B tokens.",
     [(56, "%", {"name": "HellaSwag", "subject": "Qwen2.5-7B"}), (1e9, "tokens", {"name": "tokens"})]),
    ("It gives up to 6x faster decoding at 1M context.",
     [(6, "x", {"name": "decoding", "qualifier": "up to", "direction": "increase"}), (1e6, "tokens", {})]),
    ("Accuracy ranges from 1.5% to 3.5%.",
     [(1.5, "%", {"qualifier": "range-low"}), (3.5, "%", {"qualifier": "range-high"})]),
    ("The model uses 75% less KV cache.", [(75, "%", {"name": "KV cache", "direction": "reduction"})]),
    ("A 1.7B-parameter model trained on 10B unique tokens.",
     [(1.7e9, "params", {"kind": "size"}), (10e9, "tokens", {"name": "unique tokens"})]),
    ("Training took 3 epochs.", [(3, "epochs", {"name": "epochs", "kind": "count"})]),
]

# A mixture of experts' total and active parameters, the unit written once, after the last, or not at all
MOE_SIZES = [
    ("The MoE has 480B total / 35B active parameters.",
     [(480e9, "params", {"name": "total parameters"}), (35e9, "params", {"name": "active parameters"})]),
    ("Its small sibling runs 30B total and 3B activated parameters.",
     [(30e9, "params", {"name": "total parameters"}), (3e9, "params", {"name": "activated parameters"})]),
    ("Both are sparse: 120B total / 12B active, and 21B total / 3.6B active.",
     [(120e9, "params", {"name": "total parameters"}), (12e9, "params", {"name": "active parameters"}),
      (21e9, "params", {"name": "total parameters"}), (3.6e9, "params", {"name": "active parameters"})]),
    ("A 671B-total, 37B-active model weighs 1T in total with 32B active per token.",
     [(671e9, "params", {"name": "total parameters"}), (37e9, "params", {"name": "active parameters"}),
      (1e12, "params", {"name": "total parameters"}), (32e9, "params", {"name": "active parameters"})]),
    # "total" alone, where nothing is active, may count anything: only a written unit says what
    ("It was trained on 5T total tokens; the corpus has 2T total.", [(5e12, "tokens", {"name": "total tokens"})]),
    # Korean: the active part per token ("토큰당", "토큰마다" is the per of a rate, not the unit)
    ("토큰당 220억 개 활성 매개변수를 씁니다.", [(22e9, "params", {"name": "active parameters"})]),
    ("총 4560억 개 파라미터 중 토큰당 459억 개만 활성화됩니다.",
     [(456e9, "params", {}), (45.9e9, "params", {"name": "active parameters"})]),
    ("모두 4천억 개 중 토큰마다 170억 개가 활성화된다.",
     [(400e9, "params", {"name": "total parameters"}), (17e9, "params", {"name": "active parameters"})]),
    ("활성 파라미터는 토큰당 30억 개입니다.", [(3e9, "params", {"name": "파라미터"})]),
    # small counts of experts stay counts
    ("전문가 8개 중 2개가 활성화됩니다.", [(8, "count", {"name": "전문가"}), (2, "count", {})]),
]

# A count of evaluation items out of a whole is one result, the part; the whole is the size of the test
PARTS_OF_A_WHOLE = [
    ("The prover settles 12 out of 30 open problems.", [(12, "count", {"name": "open problems", "kind": "count"})]),
    ("It passes 140 of 164 HumanEval problems.", [(140, "count", {"name": "HumanEval problems"})]),
    ("On PutnamBench the agent proves 49 of the 657 theorems.", [(49, "count", {"name": "PutnamBench"})]),
    ("The 70B model wins on 7 of 10 benchmarks.", [(70e9, "params", {}), (7, "count", {"name": "benchmarks"})]),
    ("더 어려운 벤치마크에서 164문제 중 140문제를 풀었습니다.", [(140, "count", {"name": "문제"})]),
    ("전체 30개 중 12개의 과제를 해결했습니다.", [(12, "count", {"name": "과제"})]),
    # parts of a model are no score: the whole is a fact of its own
    ("Each token goes to 2 of 8 experts.", [(8, "count", {"name": "experts"})]),
]

# A benchmark named earlier in the sentence names the scores after it that name none, unless a score after
# it took it, or the number is a change of some other quantity
EARLIER_BENCHMARKS = [
    ("On AIME 2024 it reaches 86.7%, and 70.0% with majority voting.",
     [(86.7, "%", {"name": "AIME 2024"}), (70.0, "%", {"name": "AIME 2024"})]),
    ("For LiveCodeBench, the base model gets 40.1% and the tuned one 51.3%.",
     [(40.1, "%", {"name": "LiveCodeBench"}), (51.3, "%", {"name": "LiveCodeBench"})]),
    ("MMLU에서 기본 모델은 70.2%, 미세조정 모델은 75.8%를 기록했습니다.",
     [(70.2, "%", {"name": "MMLU"}), (75.8, "%", {"name": "MMLU"})]),
    ("GSM8K: 40% → 62% after tuning.", [(40, "%", {"name": "GSM8K"}), (62, "%", {"name": "GSM8K"})]),
    ("On the AIME, the 7B model solves 9 of the 30 problems, that is 30%.",
     [(7e9, "params", {}), (9, "count", {"name": "AIME"}), (30, "%", {"name": "AIME"})]),
    ("It scores 56% on MMLU and 70% overall.", [(56, "%", {"name": "MMLU"}), (70, "%", {"name": None})]),
    ("On MMLU it reaches 80% and costs 40% less.", [(80, "%", {"name": "MMLU"}), (40, "%", {"name": None})]),
]

# Number forms the unit stage reads: a measure before a change ("FID falls from 9.3 to 2.1"), a context length
# said before its size, percentile ranks, magnitudes in title case, modifiers joined by a comma, a comparative
# between a size and its unit, and score units that are ordinary words in other cases
UNIT_FORMS = [
    ("Its FID falls from 9.3 to 2.1.", [(9.3, "FID", {}), (2.1, "FID", {})]),
    ("Perplexity goes from 12.3 to 9.8 on WikiText-103.", [(12.3, "perplexity", {}), (9.8, "perplexity", {})]),
    ("BLEU rises from 27.1 to 29.4, and the Elo rating climbs to 1350.",
     [(27.1, "BLEU", {}), (29.4, "BLEU", {}), (1350, "Elo", {})]),
    ("It extends the context from 4K to 128K.", [(4e3, "tokens", {"name": "context"}), (128e3, "tokens", {})]),
    ("It has a context window of 200K.", [(200e3, "tokens", {"name": "context"})]),
    ("It tops the Open LLM Leaderboard with an average of 71.3.", [(71.3, "score", {"name": "Open LLM"})]),
    ("The models post an average of 64.0 on the HELM leaderboard.", [(64.0, "score", {"name": "HELM"})]),
    ("Context length: 32K.", [(32e3, "tokens", {})]),
    ("컨텍스트 길이 128K를 지원합니다.", [(128e3, "tokens", {})]),
    ("It ranks in the 89th percentile on Codeforces.", [(89, "percentile", {"name": "Codeforces", "kind": "score"})]),
    ("A 96th-percentile rating on Codeforces.", [(96, "percentile", {"name": "Codeforces"})]),
    ("Codeforces 기준 98번째 백분위를 기록했다.", [(98, "percentile", {"name": "Codeforces"})]),
    ("A 1.5 Billion Parameter Model Trained On 3 Trillion Tokens",
     [(1.5e9, "params", {"name": "Parameters"}), (3e12, "tokens", {})]),
    ("It holds 3 million curated, deduplicated documents.",
     [(3e6, "count", {"name": "curated, deduplicated documents"})]),
    ("We collect 40,000 hand-written, verified proofs.", [(40_000, "count", {})]),
    ("It was trained on 2 trillion more tokens and needs 3B fewer parameters.",
     [(2e12, "tokens", {"name": "more tokens"}), (3e9, "params", {"name": "fewer parameters"})]),
    ("It adds 500B additional tokens but used 500 more GPUs.", [(500e9, "tokens", {})]),
    ("It reaches 50.2 mAP on COCO and 3.8 WER on LibriSpeech.",
     [(50.2, "mAP", {"name": "COCO"}), (3.8, "WER", {"name": "LibriSpeech", "subject": None})]),
    ("It is 3.6x faster on 16 languages.", [(3.6, "x", {}), (16, "count", {"name": "languages"})]),
]

# Scores listed together and benchmarks listed together pair up in order ("respectively"); a multiplier is
# named by what it measures and the benchmark it was measured on
LISTS = [
    ("It scores 56% and 70% on MMLU and GSM8K, and 80% on HellaSwag.",
     [(56, "%", {"name": "MMLU"}), (70, "%", {"name": "GSM8K"}), (80, "%", {"name": "HellaSwag"})]),
    ("Accuracy on GSM8K, MATH and AIME rises to 92.1%, 75.3% and 40.0%.",
     [(92.1, "%", {"name": "GSM8K"}), (75.3, "%", {"name": "MATH"}), (40.0, "%", {"name": "AIME"})]),
    ("MMLU와 GSM8K에서 각각 70.1%와 80.2%를 기록했습니다.",
     [(70.1, "%", {"name": "MMLU"}), (80.2, "%", {"name": "GSM8K"})]),
    ("On ALFWorld and WebShop the agent beats both baselines by 28% and 12%.",
     [(28, "%", {"name": "ALFWorld"}), (12, "%", {"name": "WebShop"})]),
    # as many scores as benchmarks, or no pairing
    ("It scores 56% and 70% on MMLU.", [(56, "%", {"name": None}), (70, "%", {"name": "MMLU"})]),
    ("It brings 1.9x faster decoding on MT-Bench.", [(1.9, "x", {"name": "decoding on MT-Bench"})]),
    ("It gives 2.3x higher throughput on ShareGPT.", [(2.3, "x", {"name": "throughput on ShareGPT"})]),
    ("It needs 3x less memory on LongBench v2.", [(3, "x", {"name": "memory on LongBench v2"})]),
    ("It runs 6x faster decoding on consumer GPUs.", [(6, "x", {"name": "decoding"})]),
]

# Korean sizes listed before a noun of size, with a count of kinds between ("세 가지 크기"), joined by a particle
KOREAN_SIZES = [
    ("모델은 2.4B, 7.8B, 32B 세 가지 크기로 나왔습니다.",
     [(2.4e9, "params", {}), (7.8e9, "params", {}), (32e9, "params", {})]),
    ("7B와 70B 두 가지 규모로 공개됐다.", [(7e9, "params", {}), (70e9, "params", {})]),
    ("1B 및 8B 사이즈의 체크포인트를 제공합니다.", [(1e9, "params", {}), (8e9, "params", {})]),
    # a range of sizes before a noun of size ("A부터 B까지 다양한 크기"), and a few words that only say how many kinds
    ("0.5B부터 14B까지 다양한 크기의 모델이 나왔다.",
     [(0.5e9, "params", {"qualifier": "range-low"}), (14e9, "params", {"qualifier": "range-high"})]),
    ("3B, 7B, 14B 등 여러 규모의 모델이 있다.", [(3e9, "params", {}), (7e9, "params", {}), (14e9, "params", {})]),
    ("10억 명이 쓰는 모델이다.", [(1e9, "count", {})]),
]

# points above, ahead of or below a baseline are a change in that direction
POINTS = [
    ("Its 57% was 7.6 points above the previous best.",
     [(57, "%", {}), (7.6, "points", {"direction": "increase", "name": None})]),
    ("It scores 5 points ahead of o1 on AIME.", [(5, "points", {"direction": "increase", "name": "AIME"})]),
    ("It lands 2 points behind GPT-4 and 3 points below Claude.",
     [(2, "points", {"direction": "reduction"}), (3, "points", {"direction": "reduction"})]),
]

KOREAN = [
    ("DeepSeek-V3는 총 6710억 개의 매개변수를 가진 모델입니다.", [(671e9, "params", {"subject": "DeepSeek-V3"})]),
    ("실제로 활성화되는 매개변수는 370억 개입니다.", [(37e9, "params", {})]),
    ("사전 학습에 14.8조 토큰이 쓰였습니다.", [(14.8e12, "tokens", {})]),
    ("계산량은 H800 GPU 기준 278.8만 시간이었습니다.", [(2_788_000, "GPU hours", {})]),
    ("학습해야 하는 매개변수 수는 1만 배 줄었습니다.",
     [(10_000, "x", {"name": "매개변수 수", "direction": "reduction"})]),
    ("GPU 메모리 요구량은 3배 줄어듭니다.", [(3, "x", {"name": "GPU 메모리 요구량", "direction": "reduction"})]),
    ("2.7배에서 최대 3.5배의 속도 향상을 얻었습니다.",
     [(2.7, "x", {"qualifier": "range-low", "direction": "increase"}), (3.5, "x", {"qualifier": "range-high"})]),
    ("처리량은 두 배로 늘었습니다.", [(2, "x", {"name": "처리량", "direction": "increase"})]),
    ("피드포워드 블록을 8개의 전문가로 바꿨습니다.", [(8, "count", {"name": "전문가"})]),
    ("라우터가 전문가 2개를 고릅니다.", [(2, "count", {"name": "전문가"})]),
    ("32k 토큰 길이의 컨텍스트로 학습했습니다.", [(32_000, "tokens", {})]),
    ("128K 컨텍스트를 지원합니다.", [(128_000, "tokens", {})]),
    ("메모리 사용량은 약 40% 줄었습니다.", [(40, "%", {"qualifier": "approximate", "direction": "reduction"})]),
    ("정확도가 5.2%p 높아졌습니다.", [(5.2, "pp", {"direction": "increase"})]),
    ("이 모델은 MMLU에서 88.5%를 기록했습니다.", [(88.5, "%", {"name": "MMLU"})]),
    ("속도가 50% 이상 빨라졌습니다.", [(50, "%", {"qualifier": "at least", "direction": "increase"})]),
    ("700억 파라미터 모델을 10에폭 동안 학습했습니다.", [(70e9, "params", {}), (10, "epochs", {})]),
    ("1,000개 이상의 문제로 구성됩니다.", [(1000, "count", {"name": "문제", "qualifier": "at least"})]),
    ("추론 속도는 3배가량 빨라졌습니다.", [(3, "x", {"qualifier": "approximate", "direction": "increase"})]),
    ("2,048개의 H100 GPU로 학습했습니다.", [(2048, "count", {"name": "H100 GPU"})]),
    ("10억 개 파라미터와 5천억 개의 토큰.", [(1e9, "params", {}), (5e11, "tokens", {})]),
    ("MT-Bench에서 8.9점을 받았습니다.", [(8.9, "points", {"name": "MT-Bench"})]),
    # the unit noun after the number or before it, and 개/편/줄 as counts only without a measured noun
    ("매개변수는 370억 개입니다.", [(37e9, "params", {"name": "매개변수", "kind": "size"})]),
    ("DeepSeek-V3는 6710억 개의 매개변수 중 370억 개만 활성화합니다.",
     [(671e9, "params", {"subject": "DeepSeek-V3"}), (37e9, "params", {"name": "active parameters", "kind": "size"})]),
    ("6710억 개의 매개변수를 씁니다.", [(671e9, "params", {"name": "매개변수", "kind": "size"})]),
    ("17억 매개변수 모델입니다.", [(1.7e9, "params", {"kind": "size"})]),
    ("토큰 1.5조 개로 학습했습니다.", [(1.5e12, "tokens", {"name": "토큰"})]),
    ("약 1.5조 토큰으로 학습했습니다.", [(1.5e12, "tokens", {"qualifier": "approximate"})]),
    ("논문 120편을 분석했습니다.", [(120, "count", {"name": "논문", "kind": "count"})]),
    ("코드 300줄로 구현됩니다.", [(300, "count", {"kind": "count"})]),
    ("최대 6배 빠릅니다.", [(6, "x", {"qualifier": "up to", "kind": "relative"})]),
    ("3 에폭 동안 학습했습니다.", [(3, "epochs", {"kind": "count"})]),
    # days as a duration, not a date
    ("3일 만에 학습을 마쳤습니다.", [(3, "days", {"kind": "size"})]),
    ("10일 동안 학습했다.", [(10, "days", {})]),
    ("5일간 훈련한 모델입니다.", [(5, "days", {})]),
    ("12시간 만에 학습했습니다.", [(12, "hours", {"kind": "size"})]),
    ("SWE-bench 성능이 2.1%p 향상됐습니다.", [(2.1, "pp", {"direction": "increase", "kind": "relative"})]),
    ("DeepSeek-R1은 AIME 2024에서 79.8%를 기록했습니다.",
     [(79.8, "%", {"name": "AIME 2024", "kind": "score", "direction": None})]),
]

NOT_METRICS = [
    # a family's version opening a sentence is part of the model's name
    "Llama 2 models are strong.",
    "Gemma 3 models come in four sizes.",
    "Qwen 2 checkpoints are on the hub.",
    # the sides of a resolution or a kernel, and "map" as a word
    "It renders at 1024 x 768 pixels.",
    "A 3x3 kernel and a 7×7 patch.",
    "The grid grows from 1×1 up to 16×16.",
    "There are 3 map views.",
    "Published April 8, 2024 at 3:12 a.m.",
    "In 2025 the IMO 2025 results came out.",
    "Context Engineering 2.0 builds on Qwen2.5 and Llama 2.",
    "Llama 2 70B and LLaMA3 8B were the baselines.",
    "Mixtral 8x7B uses a sparse mixture of experts, as does Mixtral 8x22B.",
    "It ran on an H100, an A100 and an H800.",
    "Compared with o1 and s1-32B, Qwen2.5-32B-Instruct is smaller than GPT-3 and GPT-4o.",
    "Mistral 7B beats Llama 2 13B.",
    "Gemini 2.5 Pro and Claude 3.7 Sonnet lead the pack.",
    "Readers get 20% off the next cohort.",
    "구독자는 수강료를 15% 할인받을 수 있습니다.",
    "by Theo Hartmann · 11 min read",
    "A 5-minute read, posted 3 days ago.",
    "1. Introduction 2. Method 3. Results",
    "The Long Context #118 is out; see section 3.2 and Table 4.",
    "Training cost $5.6M, or about €5 million.",
    "Top 10 papers of the week.",
    "2024년 12월 3일에 공개된 8주 과정입니다.",
    "QLoRA uses a 4-bit quantized base model and double quantization.",
    "The id is arXiv:2401.15077.",
    "The model answered politely, forty thousand times an hour.",
    "Mixtral 8x7B는 Mistral 7B와 같은 구조입니다.",
    "GPT-3 175B를 전체 미세조정하는 경우와 비교합니다.",
    "It is a 3-part series and Part 2 covers the method.",
    "Top-1 results are in Figure 3; we have 150,000 subscribers and 3 likes.",
    "2만 명의 구독자가 읽는 1위 뉴스레터, 10만 원.",
    "It was posted in 2023, cited 300 times, with a learning rate of 1e-5.",
    "Version 2.0 ships with Qwen2.5 and GPT-4.1 support.",
    "Posted on 2025-01-20; see v1.5 and Llama 3.1.",
    "2. Results 3. Discussion",
    "(1) data, (2) model, (3) training.",
]


# Popularity counters in running text and page chrome, English and Korean, before or after their number
COUNTERS = [
    "The post drew 12 comments, 34 likes and 5 restacks.",
    "Posted by Ana · 1.2K views · 56 upvotes · 1 reply",
    "2.3K claps and 15 responses; you have 0 referrals so far.",
    "Likes: 34 · Comments: 12 · Stars 1.2K",
    "The repo has 1,204 stars and 56 forks.",
    "댓글 12개 · 좋아요 5 · 조회수 1.2만",
    "3개의 댓글이 달렸고 공유가 9회 이뤄졌습니다.",
    "답글 2개, 좋아요 17개, 구독자 2만 명",
]
# ... and the same words where they count nothing: a preposition, a compound noun
NOT_COUNTERS = [
    ("It gains like 5% on MMLU.", [(5, "%", {"name": "MMLU"})]),
    ("반응속도는 3배 빨라졌습니다.", [(3, "x", {"name": "반응속도", "direction": "increase"})]),
    ("It saw 2T tokens, says the post with 12 comments.", [(2e12, "tokens", {})]),
]


def _matches(metric: Metric, value: float, unit: str, fields: dict[str, str]) -> bool:
    if metric.unit != unit or abs(metric.value - value) > 1e-6 * max(1.0, abs(value)):
        return False
    return all(getattr(metric, key) == expected for key, expected in fields.items())


def _pairs(pairs: list[tuple[float, str]]) -> list[tuple[float, str]]:
    return sorted((round(float(value), 6), unit) for value, unit in pairs)


@pytest.mark.parametrize(("sentence", "expected"), ENGLISH, ids=[s[:50] for s, _ in ENGLISH])
def test_english_sentence_yields_its_metrics(sentence: str, expected: list[tuple[float, str, dict[str, str]]]):
    _assert_metrics(sentence, expected)


@pytest.mark.parametrize(("sentence", "expected"), PARTS_OF_A_WHOLE + EARLIER_BENCHMARKS,
                         ids=[s[:40] for s, _ in PARTS_OF_A_WHOLE + EARLIER_BENCHMARKS])
def test_parts_of_a_whole_and_earlier_benchmarks(sentence: str, expected: list[tuple[float, str, dict[str, str]]]):
    _assert_metrics(sentence, expected)


@pytest.mark.parametrize(("sentence", "expected"), KOREAN_SIZES + POINTS,
                         ids=[s[:30] for s, _ in KOREAN_SIZES + POINTS])
def test_korean_size_lists(sentence: str, expected: list[tuple[float, str, dict[str, str]]]):
    _assert_metrics(sentence, expected)


@pytest.mark.parametrize(("sentence", "expected"), LISTS, ids=[s[:40] for s, _ in LISTS])
def test_lists_and_where_a_multiplier_was_measured(sentence: str, expected: list[tuple[float, str, dict[str, str]]]):
    _assert_metrics(sentence, expected)


@pytest.mark.parametrize(("sentence", "expected"), UNIT_FORMS, ids=[s[:40] for s, _ in UNIT_FORMS])
def test_unit_forms(sentence: str, expected: list[tuple[float, str, dict[str, str]]]):
    _assert_metrics(sentence, expected)


@pytest.mark.parametrize(("sentence", "expected"), MOE_SIZES, ids=[s[:40] for s, _ in MOE_SIZES])
def test_mixture_of_experts_sizes(sentence: str, expected: list[tuple[float, str, dict[str, str]]]):
    _assert_metrics(sentence, expected)


@pytest.mark.parametrize(("sentence", "expected"), KOREAN, ids=[f"ko-{i:02d}" for i in range(len(KOREAN))])
def test_korean_sentence_yields_its_metrics(sentence: str, expected: list[tuple[float, str, dict[str, str]]]):
    _assert_metrics(sentence, expected)


def _assert_metrics(sentence: str, expected: list[tuple[float, str, dict[str, str]]]) -> None:
    metrics = extract_metrics(sentence)
    assert _pairs([(m.value, m.unit) for m in metrics]) == _pairs([(v, u) for v, u, _ in expected]), metrics
    for value, unit, fields in expected:
        assert any(_matches(m, value, unit, fields) for m in metrics), (value, unit, fields, metrics)


@pytest.mark.parametrize("sentence", NOT_METRICS, ids=[f"none-{i:02d}" for i in range(len(NOT_METRICS))])
def test_sentence_yields_no_metric(sentence: str):
    assert extract_metrics(sentence) == []


@pytest.mark.parametrize("text", COUNTERS, ids=[f"counter-{i:02d}" for i in range(len(COUNTERS))])
def test_counters_are_no_metrics(text: str):
    assert extract_metrics(text) == []


@pytest.mark.parametrize(("text", "expected"), NOT_COUNTERS, ids=[t[:40] for t, _ in NOT_COUNTERS])
def test_counter_words_that_count_nothing(text: str, expected):
    _assert_metrics(text, expected)


def test_identical_metrics_are_reported_once():
    text = "It scores 56% on MMLU. As said, 56% on MMLU is a lot."
    assert [(m.value, m.unit, m.name) for m in extract_metrics(text)] == [(56, "%", "MMLU")]


def test_snippet_is_the_source_text_around_the_number():
    filler = "This sentence is long and says little about anything in particular, " * 4
    text = filler + "and then the model reaches 56% on HellaSwag, " + filler
    (metric,) = extract_metrics(text)
    assert "56% on HellaSwag" in metric.text
    assert len(metric.text) <= 210


def test_names_are_short():
    text = "It is 3x faster at the long and winding sequence of very particular and peculiar retrieval steps."
    assert all(len(m.name or "") <= 60 for m in extract_metrics(text))


def test_empty_text_has_no_metrics():
    assert extract_metrics("") == []


def test_scores_sharing_the_names_after_them():
    """A score that takes a benchmark named after the next score leaves that score nothing before it to read."""
    text = "It scores 56% and 70% on MMLU and GSM8K, and 80% on HellaSwag."
    metrics = extract_metrics(text)
    assert [m.value for m in metrics] == [56, 70, 80]
    assert metrics[-1].name == "HellaSwag" and "HellaSwag" not in {m.name for m in metrics[:2]}


@pytest.mark.parametrize(
    "text, number, value",
    [
        ("Mamba reaches 2.8x the throughput of a Transformer.", "2.8x", 2.8),
        ("On GSM8K the 7B model scores 61.2%, up from 40%.", "61.2%", 61.2),
        ("DeepSeek-V3는 6710억 개의 매개변수를 가집니다.", "6710억", 671e9),
    ],
)
def test_locate_metrics_gives_the_span_of_each_number(text: str, number: str, value: float) -> None:
    located = locate_metrics(text)
    assert [m for _, _, m in located] == extract_metrics(text)
    (start, end), = [(s, e) for s, e, m in located if m.value == value]
    assert start == text.index(number) and end >= start + len(number)

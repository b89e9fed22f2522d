#!/usr/bin/env bash
# One command to rebuild the model bundle in models/lm from ../shared/train:
#   bash models/training/run.sh [STAGE1_MINUTES] [STAGE2_MINUTES] [STAGE3_MINUTES] [STAGE4_MINUTES] [STAGE5_MINUTES] [STAGE6_MINUTES]
# Steps: BPE tokenizer (C#), tokenize the shards (C#), train the GPT in three stages (PyTorch),
# write stage 3 as half floats and quantize it into the integer network: the previous default
# bundle, models/lm-stage3 (kept so the files it made still decode). Stage 4 continues from
# those half floats on all shards, mixed by domain: models/lm-stage4 (kept likewise). Stage 5
# continues from stage 4 with more prose: models/lm-stage5 (kept likewise). Stage 6 continues
# from stage 5 and becomes the default bundle models/lm (weights.f16, model.int.json,
# model.int.data, model.int.onnx, learning.json; docs/INTNET.md).
# Needs: the .NET 10 SDK, xz, and Debian's python3-torch + python3-onnx (+ python3-numpy):
#   apt-get install -y python3-torch python3-onnx python3-numpy libopenblas0-openmp xz-utils
set -euo pipefail
cd "$(dirname "$0")/../.."
stage1_minutes=${1:-78}
stage2_minutes=${2:-35}
stage3_minutes=${3:-30}
stage4_minutes=${4:-75}
stage5_minutes=${5:-65}
stage6_minutes=${6:-60}
data=../shared/train
work=models/training/work
export OPENBLAS_NUM_THREADS=1

dotnet build src/Lmz.Train -c Release
train="dotnet src/Lmz.Train/bin/Release/net10.0/lmz-train.dll"
if [ ! -f models/lm/tokenizer.tiktoken ]; then
  # Train 16384 merges once: any prefix of the rank file is the tokenizer of that size,
  # which is how the vocabulary size was chosen (vocab-report below).
  $train bpe --data "$data" --vocab 16384 --doc-prefix 65536 --out "$work/ranks16k.tiktoken"
  $train vocab-report --data "$data" --ranks "$work/ranks16k.tiktoken"
  head -n 8192 "$work/ranks16k.tiktoken" > models/lm/tokenizer.tiktoken
fi
# train.u16/valid.u16 and spans.tsv (where each shard's documents lie: domains for stage 4)
[ -f "$work/tokens/spans.tsv" ] || $train tokenize --data "$data" --ranks models/lm/tokenizer.tiktoken --out "$work/tokens"

# A stage's checkpoint as IEEE half floats, then the integer network calibrated on 64 windows of
# the training split (deterministic: same inputs, same bytes), into a bundle directory:
#   bundle STAGE DIR [intnet.py options]
bundle() {
  local stage=$1 dir=$2; shift 2
  mkdir -p "$dir"
  [ "$dir" = models/lm ] || cp models/lm/tokenizer.tiktoken "$dir/tokenizer.tiktoken"
  /usr/bin/python3 models/training/export_weights.py "$work/$stage/ckpt.pt" "$dir/weights.f16"
  (cd models/training && /usr/bin/python3 intnet.py --weights "../${dir#models/}/weights.f16" --tokens work/tokens \
    --out "../${dir#models/}" --calibration-windows 64 --check 8 "$@")
}

# Stages 1-3 (each resumable: rerun the same command after an interruption) make the previous
# default bundle, models/lm-stage3, and are skipped when it is present (it is committed):
#  1. from scratch, 78 min at lr 1e-3 (seed 1234), exported in float to $work/stage1;
#  2. warm start from stage 1's weights, 35 min at lr 5e-4 with another seed (new windows),
#     exported to $work/stage2;
#  3. warm start from stage 2's weights, 30 min at lr 3e-4, seed 3, on two threads.
# Stages 1-2 use one thread: measured faster than two when anything else shares the machine;
# stage 3 ran alone on the machine. They ran before train-08-code existed: rerun today, their
# uniform windows would include it.
if [ ! -f models/lm-stage3/weights.f16 ]; then
  [ -f "$work/stage1/model.onnx" ] || {
    /usr/bin/python3 models/training/train.py --minutes "$stage1_minutes" --threads 1 \
      --work "$work/stage1" --tokens "$work/tokens"
    /usr/bin/python3 models/training/export.py --work "$work/stage1" --out "$work/stage1"
  }
  /usr/bin/python3 models/training/train.py --minutes "$stage2_minutes" --threads 1 --lr 5e-4 --seed 2 \
    --init-onnx "$work/stage1/model.onnx" --work "$work/stage2" --tokens "$work/tokens"
  [ -f "$work/stage2/model.onnx" ] || /usr/bin/python3 models/training/export.py --work "$work/stage2" --out "$work/stage2"
  /usr/bin/python3 models/training/train.py --minutes "$stage3_minutes" --threads 2 --lr 3e-4 --seed 3 \
    --init-onnx "$work/stage2/model.onnx" --work "$work/stage3" --tokens "$work/tokens"
  # stage 3 as IEEE half floats (level 9's float network; deterministic), and the integer
  # network of levels 4-8 quantized from them
  bundle stage3 models/lm-stage3
fi
# Stages 4-6 warm-start from the previous bundle's half floats (fresh AdamW state), sample the
# shards by domain, use bfloat16 products (6-9x the float32 tokens/s here: MODEL.md
# "Throughput") and two threads at low priority:
#   bf16_stage STAGE MINUTES NICE LR SEED MIX INIT_BUNDLE
bf16_stage() {
  OPENBLAS_NUM_THREADS=1 nice -n "$3" /usr/bin/python3 models/training/train.py --minutes "$2" --threads 2 \
    --precision bf16 --lr "$4" --seed "$5" --mix "$6" --val-every 900 \
    --init-f16 "$7/weights.f16" --work "$work/$1" --tokens "$work/tokens"
}
# 4. from stage 3, prose 0.5, tech 0.2, code 0.3, lr 5e-4, seed 4, nice 19: models/lm-stage4
#    (the default from commit 7464542 to 78ae214), skipped when present (it is committed).
if [ ! -f models/lm-stage4/weights.f16 ]; then
  bf16_stage stage4 "$stage4_minutes" 19 5e-4 4 prose=0.5,tech=0.2,code=0.3 models/lm-stage3
  bundle stage4 models/lm-stage4
fi
# 5. from stage 4, prose weighted up (0.6, tech 0.2, code 0.2), lr 3e-4, seed 5, nice 5:
#    models/lm-stage5 (the default from commit 78ae214 to 07482ac), skipped when present (it is committed).
if [ ! -f models/lm-stage5/weights.f16 ]; then
  bf16_stage stage5 "$stage5_minutes" 5 3e-4 5 prose=0.6,tech=0.2,code=0.2 models/lm-stage4
  bundle stage5 models/lm-stage5
  printf '{"rate": 0.002}\n' > models/lm-stage5/learning.json
fi
# 6. from stage 5 (prose 0.5, tech 0.25, code 0.25), lr 2e-4, seed 6, nice 19: the default
#    bundle, with the engine test's reference vectors. Only `bundle` is needed to rebuild the
#    integer network from the shipped weights.f16 (after the tokenize step above).
bf16_stage stage6 "$stage6_minutes" 19 2e-4 6 prose=0.5,tech=0.25,code=0.25 models/lm-stage5
bundle stage6 models/lm --vectors ../../tests/Lmz.Tests/Data/intnet-vectors.json
# Level 9's learning rate for these weights, chosen by measurement (MODEL.md, "Level 9"); the
# stage-3 and stage-4 bundles have no learning.json and learn at 0.005.
printf '{"rate": 0.002}\n' > models/lm/learning.json
sha256sum models/lm/* models/lm-stage5/* models/lm-stage4/* models/lm-stage3/*

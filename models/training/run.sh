#!/usr/bin/env bash
# One command to rebuild the model bundle in models/lm from ../shared/train:
#   bash models/training/run.sh [STAGE1_MINUTES] [STAGE2_MINUTES] [STAGE3_MINUTES]
# Steps: BPE tokenizer (C#), tokenize the shards (C#), train the GPT in three stages (PyTorch),
# export the float network, write it as half floats (models/lm/weights.f16) and quantize that into
# the integer network (models/lm/model.int.json, model.int.data, model.int.onnx; docs/INTNET.md).
# Needs: the .NET 10 SDK, xz, and Debian's python3-torch + python3-onnx (+ python3-numpy):
#   apt-get install -y python3-torch python3-onnx python3-numpy libopenblas0-openmp xz-utils
set -euo pipefail
cd "$(dirname "$0")/../.."
stage1_minutes=${1:-78}
stage2_minutes=${2:-35}
stage3_minutes=${3:-30}
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
[ -f "$work/tokens/tokens.json" ] || $train tokenize --data "$data" --ranks models/lm/tokenizer.tiktoken --out "$work/tokens"

# Three stages, each resumable (rerun the same command after an interruption):
#  1. from scratch, 78 min at lr 1e-3 (seed 1234), exported in float to $work/stage1;
#  2. warm start from stage 1's weights, 35 min at lr 5e-4 with another seed (new windows),
#     exported to $work/stage2;
#  3. warm start from stage 2's weights, 30 min at lr 3e-4, seed 3, on two threads.
# Stages 1-2 use one thread: measured faster than two when anything else shares the machine;
# stage 3 ran alone on the machine.
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
/usr/bin/python3 models/training/export.py --work "$work/stage3" --out "$work/float"
# Level 9's float network, the stage-3 weights as IEEE half floats (deterministic).
/usr/bin/python3 models/training/export_weights.py "$work/stage3/ckpt.pt" models/lm/weights.f16
# The integer network of levels 4-8 from those weights, activation ranges calibrated on 64
# windows of the training split (deterministic: same inputs, same bytes). Only this step is
# needed to rebuild it from the shipped weights.f16 (after the tokenize step above).
(cd models/training && /usr/bin/python3 intnet.py --weights ../lm/weights.f16 --tokens work/tokens --out ../lm \
  --calibration-windows 64 --check 8 --vectors ../../tests/Lmz.Tests/Data/intnet-vectors.json)
sha256sum models/lm/*

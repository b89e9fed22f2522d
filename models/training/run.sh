#!/usr/bin/env bash
# One command to rebuild the model bundle in models/lm from ../shared/train:
#   bash models/training/run.sh [MINUTES]
# Steps: BPE tokenizer (C#), tokenize the shards (C#), train the GPT (PyTorch, resumable:
# rerun the same command after an interruption), export model.onnx + model.json.
# Needs: the .NET 10 SDK, xz, and Debian's python3-torch + python3-onnx:
#   apt-get install -y python3-torch python3-onnx libopenblas0-openmp xz-utils
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-95}
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

# One thread: measured faster than two when anything else shares the machine.
/usr/bin/python3 models/training/train.py --minutes "$minutes" --threads 1 --work "$work"
/usr/bin/python3 models/training/export.py --work "$work" --out models/lm
sha256sum models/lm/*

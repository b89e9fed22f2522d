"""Training throughput of the lmz GPT on this CPU: tokens/s of whole optimizer steps
(forward, backward, AdamW) for each combination of threads, batch, context and precision.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/throughput.py --seconds 40 \
      --threads 1 2 --batch 16 32 --precision fp32 bf16

Random windows of the training tokens, same model and optimizer as train.py; the first
3 steps of each configuration are not timed (allocation, oneDNN kernel selection).
bf16 is torch.cpu.amp.autocast (matrix products in bfloat16, weights and AdamW in float32).
Run with ONEDNN_VERBOSE=1 to see which ISA oneDNN dispatched (avx512_core_bf16, amx).
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import GPT, GPTConfig  # noqa: E402
from train import load_data, make_optimizer, sample_batch, setup_cpu  # noqa: E402


def measure(train, vocab, threads, batch, ctx, precision, seconds, layers, d_model):
    setup_cpu(threads)
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    model = GPT(GPTConfig(vocab, layers, d_model, d_model // 64, ctx))
    opt = make_optimizer(model, 3e-4)
    model.train()
    steps, tokens, timed, losses = 0, 0, 0.0, []
    while timed < seconds:
        t0 = time.perf_counter()
        x, y = sample_batch(train, rng, batch, ctx)
        with torch.cpu.amp.autocast(enabled=precision == "bf16", dtype=torch.bfloat16):
            logits = model(x)[0]
        loss = F.cross_entropy(logits.float().reshape(-1, vocab), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        dt = time.perf_counter() - t0
        steps += 1
        losses.append(loss.item())
        if steps > 3:
            timed += dt
            tokens += x.numel()
    return tokens / timed, steps, losses[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tokens", default=os.path.join(HERE, "work", "tokens"))
    ap.add_argument("--seconds", type=float, default=40)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch", type=int, nargs="+", default=[16])
    ap.add_argument("--ctx", type=int, nargs="+", default=[256])
    ap.add_argument("--precision", nargs="+", default=["fp32", "bf16"])
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--d-model", type=int, default=256)
    args = ap.parse_args()
    meta, train, _ = load_data(args.tokens)
    print("threads\tbatch\tctx\tprecision\ttokens_per_s\tsteps\tlast_loss", flush=True)
    for threads in args.threads:
        for batch in args.batch:
            for ctx in args.ctx:
                for precision in args.precision:
                    tps, steps, loss = measure(train, meta["vocab_size"], threads, batch, ctx, precision,
                                               args.seconds, args.layers, args.d_model)
                    print(f"{threads}\t{batch}\t{ctx}\t{precision}\t{tps:.0f}\t{steps}\t{loss:.3f}", flush=True)


if __name__ == "__main__":
    main()

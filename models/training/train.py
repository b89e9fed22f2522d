"""Train the lmz GPT on WORK/tokens/{train,valid}.u16 for a wall-clock budget.

Resumable: kill it at any time (SIGTERM/SIGINT save a checkpoint first; a
hard kill loses at most ~5 minutes) and rerun the same command.

Run with Debian's python:
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/train.py --minutes 120
"""
import argparse
import json
import math
import os
import random
import signal
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy import
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import GPT, GPTConfig  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
QUICK_VAL_WINDOWS = 64  # fixed subset of valid.u16 for the quick bpb (per domain with spans.tsv)
DOMAINS = ("prose", "tech", "code")
LOG_COLS = ["step", "elapsed_s", "tokens_seen", "train_loss", "tokens_per_s", "lr", "valid_bpb"] + \
    [f"valid_{d}" for d in DOMAINS]


def setup_cpu(threads):
    """Thread count, and keep freed memory in the heap: by default glibc mmaps
    and unmaps the large activation/logit buffers on every step, costing ~20%
    of the time in page faults; no mmap + no trimming gave ~+35% tokens/s."""
    torch.set_num_threads(threads)
    try:
        import ctypes
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-4, 0)            # M_MMAP_MAX = 0
        libc.mallopt(-1, 2 ** 31 - 1)  # M_TRIM_THRESHOLD = 2 GB
    except OSError:
        pass  # not glibc: just slower


# ---------------------------------------------------------------- data
def load_data(tdir):
    with open(os.path.join(tdir, "tokens.json")) as f:
        meta = json.load(f)
    train = np.memmap(os.path.join(tdir, "train.u16"), dtype="<u2", mode="r")
    valid = np.memmap(os.path.join(tdir, "valid.u16"), dtype="<u2", mode="r")
    assert len(train) == meta["train_tokens"] and len(valid) == meta["valid_tokens"], \
        "token files disagree with tokens.json"
    return meta, train, valid


def load_spans(tdir):
    """spans.tsv of `lmz-train tokenize`: rows (set, domain, shard, start, tokens, bytes), one per
    shard and set; None for token files made before it existed (then no domains)."""
    path = os.path.join(tdir, "spans.tsv")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rows = [l.rstrip("\n").split("\t") for l in f][1:]
    return [dict(set=r[0], domain=r[1], shard=r[2], start=int(r[3]), tokens=int(r[4]), bytes=int(r[5]))
            for r in rows]


def parse_mix(text):
    """'prose=0.5,tech=0.2,code=0.3' -> {domain: weight}, normalised to sum 1."""
    mix = {}
    for part in text.split(","):
        name, _, w = part.partition("=")
        if name not in DOMAINS or not w:
            sys.exit(f"--mix: '{part}' is not DOMAIN=WEIGHT with DOMAIN one of {DOMAINS}")
        mix[name] = float(w)
    total = sum(mix.values())
    return {d: w / total for d, w in mix.items()}


class WindowSampler:
    """Random windows of ctx+1 training tokens. With a mixture, each window first draws its
    domain by weight, then a shard of that domain in proportion to its tokens, then a start;
    without one, starts are uniform over all of train.u16 (the sampling of stages 1-3)."""

    def __init__(self, data, ctx, spans=None, mix=None):
        self.data, self.ctx, self.mix = data, ctx, mix
        if mix:
            train_spans = [s for s in spans if s["set"] == "train"]
            self.domains = list(mix)
            self.weights = np.array([mix[d] for d in self.domains])
            self.spans = {d: [s for s in train_spans if s["domain"] == d and s["tokens"] > ctx + 1]
                          for d in self.domains}
            for d, ss in self.spans.items():
                if not ss:
                    sys.exit(f"--mix names domain {d}, which has no training tokens")
            # each domain's shards drawn in proportion to their tokens
            self.shard_p = {d: np.array([s["tokens"] for s in ss], dtype=np.float64) for d, ss in self.spans.items()}
            self.shard_p = {d: p / p.sum() for d, p in self.shard_p.items()}

    def starts(self, rng, batch):
        if not self.mix:
            return rng.integers(0, len(self.data) - self.ctx - 1, size=batch)
        out = []
        for d in rng.choice(len(self.domains), size=batch, p=self.weights):
            ss = self.spans[self.domains[d]]
            s = ss[rng.choice(len(ss), p=self.shard_p[self.domains[d]])]
            out.append(s["start"] + rng.integers(0, s["tokens"] - self.ctx - 1))
        return out

    def batch(self, rng, batch):
        """(inputs, targets), both [batch, ctx] int64."""
        w = torch.from_numpy(np.stack([self.data[s:s + self.ctx + 1] for s in self.starts(rng, batch)])
                             .astype(np.int64))
        return w[:, :-1], w[:, 1:]


def sample_batch(data, rng, batch, ctx):
    """Random windows of ctx+1 tokens -> (inputs, targets), both [batch, ctx] int64."""
    return WindowSampler(data, ctx).batch(rng, batch)


def make_optimizer(model, lr):
    # weight decay on matrices (incl. embeddings) only, not on LayerNorm params
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                              {"params": no_decay, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.95))


def lr_at(t, budget_s, lr, warmup_s):
    """Linear warmup, then cosine to 10% of lr, keyed to training seconds t
    (not steps) so the shape fits a wall-clock budget of unknown step count."""
    if t < warmup_s:
        return lr * max(t, 1e-3) / warmup_s
    frac = min(1.0, (t - warmup_s) / max(1e-9, budget_s - warmup_s))
    return lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * frac)))


def span_end(start, spans, default):
    """End of the (start, tokens, bytes) span holding start, so no window crosses a domain."""
    for st, t, _ in spans or ():
        if st <= start < st + t:
            return st + t
    return default


@torch.no_grad()
def eval_windows(model, data, starts, ctx, batch=16, limit=None):
    """Sum of -ln p over all tokens of the windows data[s:s+ctx].  Token 0 of
    each window has no context (no BOS token exists), so it is charged
    ln(V), a uniform guess.  Returns (nats_total, nats_first, n_tokens)."""
    model.eval()
    V = model.cfg.vocab_size
    total, first, n = 0.0, 0.0, 0
    starts = list(starts)
    # windows of equal length go together; only the last one may be short
    for i in range(0, len(starts), batch):
        group = starts[i:i + batch]
        lens = [min(ctx, span_end(s, limit, len(data)) - s) for s in group]
        for L in sorted(set(lens)):
            ss = [s for s, l in zip(group, lens) if l == L]
            x = torch.from_numpy(np.stack([data[s:s + L] for s in ss]).astype(np.int64))
            if L > 1:
                logits = model(x[:, :-1])[0]
                total += F.cross_entropy(logits.reshape(-1, V), x[:, 1:].reshape(-1),
                                         reduction="sum").item()
            total += len(ss) * math.log(V)
            first += len(ss) * math.log(V)
            n += len(ss) * L
    model.train()
    return total, first, n


def quick_val_starts(n_valid, ctx, offset=0, windows=QUICK_VAL_WINDOWS):
    """A fixed, evenly spread subset of non-overlapping windows."""
    n_win = n_valid // ctx
    k = min(windows, n_win)
    return [offset + int(i * n_win / k) * ctx for i in range(k)] if k else []


def quick_bpb(model, valid, meta, ctx):
    """Approximate bpb on the fixed subset: bytes are estimated from the
    average bytes/token of valid.u16 (the subset's exact bytes are unknown)."""
    total, _, n = eval_windows(model, valid, quick_val_starts(len(valid), ctx), ctx)
    return total / math.log(2) / (n * meta["valid_bytes"] / meta["valid_tokens"])


def domain_valid_spans(spans):
    """{domain: [(start, tokens, bytes)]} of the validation documents, in DOMAINS order."""
    out = {}
    for d in DOMAINS:
        ss = [(s["start"], s["tokens"], s["bytes"]) for s in spans if s["set"] == "valid" and s["domain"] == d]
        if ss:
            out[d] = ss
    return out


def domain_bpb(model, valid, spans, ctx, quick):
    """Validation bpb per domain: non-overlapping ctx windows inside each shard's validation
    span, first token of each window charged ln(V). quick: QUICK_VAL_WINDOWS windows per domain,
    bytes estimated from the domain's bytes per token; else every window, exact bytes."""
    out = {}
    for d, ss in domain_valid_spans(spans).items():
        tokens, nbytes = sum(t for _, t, _ in ss), sum(b for _, _, b in ss)
        if quick:
            share = [max(1, round(QUICK_VAL_WINDOWS * t / tokens)) for _, t, _ in ss]
            starts = [w for (st, t, _), k in zip(ss, share) for w in quick_val_starts(t, ctx, st, k)]
        else:
            starts = [w for st, t, _ in ss for w in range(st, st + t, ctx)]
        total, _, n = eval_windows(model, valid, starts, ctx, limit=None if quick else ss)
        out[d] = total / math.log(2) / (n * nbytes / tokens if quick else nbytes)
    return out


def sha256_of(path):
    import hashlib
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_onnx_weights(model, path):
    """Copy every parameter from the initializers of an exported graph (export.py wraps the
    GPT as 'gpt', so 'gpt.blocks.0.qkv.weight' is blocks.0.qkv.weight); all must be present."""
    import onnx
    from onnx import numpy_helper
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    state = model.state_dict()
    for name, tensor in state.items():
        src = inits.get("gpt." + name)
        if src is None or tuple(src.shape) != tuple(tensor.shape):
            sys.exit(f"{path}: no initializer gpt.{name} of shape {tuple(tensor.shape)}")
        tensor.copy_(torch.from_numpy(src.copy()))
    print(f"initial weights from {path}", flush=True)


# ---------------------------------------------------------------- checkpoint/log
def save_atomic(obj, path):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)  # a kill mid-save never leaves a truncated ckpt.pt


def open_log(path, resume_step):
    """Append to the log; on resume drop rows written after the checkpoint
    (those steps are redone), so the log reads as one continuous run."""
    rows = []
    if resume_step is not None and os.path.exists(path):
        with open(path) as f:
            lines = f.read().splitlines()
        rows = [l for l in lines[1:] if l and int(l.split("\t")[0]) <= resume_step]
    with open(path + ".tmp", "w") as f:
        f.write("\t".join(LOG_COLS) + "\n" + "".join(r + "\n" for r in rows))
    os.replace(path + ".tmp", path)
    return open(path, "a", buffering=1)


def validate(model, valid, meta, spans, ctx):
    """Full validation: non-overlapping ctx windows over all of valid.u16 (the last may be
    short), first token of each window charged ln(V); slightly pessimistic against a compressor
    that carries context across windows. Then the same per domain (windows inside each
    domain's documents) when spans.tsv exists."""
    total, first, n = eval_windows(model, valid, range(0, len(valid), ctx), ctx)
    assert n == meta["valid_tokens"]
    bpb = total / math.log(2) / meta["valid_bytes"]
    bpb_wo_first = (total - first) / math.log(2) / meta["valid_bytes"]
    by_domain = domain_bpb(model, valid, spans, ctx, quick=False) if spans else {}
    print("".join(f"{d} {b:.4f} " for d, b in by_domain.items()) +
          f"valid bpb {bpb:.4f} ({n} tokens, {meta['valid_bytes']} bytes)", flush=True)
    return bpb, bpb_wo_first, by_domain, n, total


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--d-model", type=int, default=256)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--minutes", type=float, default=60.0, help="training-time budget")
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--tokens", default=None, help="token files (default WORK/tokens)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--init-onnx", default=None,
                    help="warm start: take the initial weights from an exported model.onnx "
                         "(its initializers keep the PyTorch names under 'gpt.')")
    ap.add_argument("--mix", default=None,
                    help="sampling weights by domain, e.g. prose=0.5,tech=0.2,code=0.3 (needs spans.tsv); "
                         "default: uniform over all training tokens")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: torch.cpu.amp.autocast (bfloat16 products, float32 weights and AdamW)")
    ap.add_argument("--init-f16", default=None,
                    help="warm start from a bundle's weights.f16 (export_weights.py's format)")
    ap.add_argument("--eval-only", choices=["full", "quick"], default=None,
                    help="validate the initial weights (--init-onnx/--init-f16) per domain and exit: "
                         "on all validation tokens, or on the quick subset the training log uses")
    ap.add_argument("--threads", type=int, default=2,
                    help="torch threads; 1 is faster when another process keeps a core busy")
    # cadences (defaults per the recipe; small values only for testing)
    ap.add_argument("--ckpt-every", type=float, default=300, help="wall-clock s between checkpoints")
    ap.add_argument("--val-every", type=float, default=600, help="training s between quick validations")
    ap.add_argument("--print-every", type=float, default=30, help="wall-clock s between progress lines")
    args = ap.parse_args()

    setup_cpu(args.threads)
    tdir = args.tokens or os.path.join(args.work, "tokens")
    meta, train, valid = load_data(tdir)
    spans = load_spans(tdir)
    mix = parse_mix(args.mix) if args.mix else None
    if mix and not spans:
        sys.exit(f"--mix needs {tdir}/spans.tsv (rerun lmz-train tokenize)")
    sampler = WindowSampler(train, args.ctx, spans, mix)
    cfg = GPTConfig(meta["vocab_size"], args.layers, args.d_model, args.heads, args.ctx)
    # everything that must match for a checkpoint to be resumable
    run_cfg = dict(cfg.to_dict(), batch=args.batch, lr=args.lr, seed=args.seed)
    if mix:
        run_cfg["mix"] = mix
    if args.precision != "fp32":
        run_cfg["precision"] = args.precision
    if args.init_onnx:
        run_cfg["init_onnx_sha256"] = sha256_of(args.init_onnx)
    if args.init_f16:
        run_cfg["init_f16_sha256"] = sha256_of(args.init_f16)
    budget_s = args.minutes * 60.0
    warmup_s = min(120.0, 0.05 * budget_s)

    random.seed(args.seed)
    np_rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    model = GPT(cfg)
    if args.init_onnx:
        load_onnx_weights(model, args.init_onnx)
    if args.init_f16:
        from export_weights import read_state_dict
        sd, f16_cfg = read_state_dict(args.init_f16)
        if f16_cfg != cfg.to_dict():
            sys.exit(f"{args.init_f16} holds {f16_cfg}, not {cfg.to_dict()}")
        model.load_state_dict(sd)
        print(f"initial weights from {args.init_f16}", flush=True)
    if args.eval_only == "full":
        validate(model, valid, meta, spans, args.ctx)
        return
    if args.eval_only == "quick":
        by_domain = domain_bpb(model, valid, spans, args.ctx, quick=True) if spans else {}
        print("".join(f"{d} {b:.4f} " for d, b in by_domain.items()) +
              f"quick-val-bpb {quick_bpb(model, valid, meta, args.ctx):.4f}", flush=True)
        return
    opt = make_optimizer(model, args.lr)
    st = dict(step=0, elapsed=0.0, tokens_seen=0, loss_ema=None, last_val=0.0)

    os.makedirs(args.work, exist_ok=True)  # a fresh clone has no work directory
    ckpt_path = os.path.join(args.work, "ckpt.pt")
    resume_step = None
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        if ck["config"] != run_cfg:
            sys.exit(f"{ckpt_path} was made with {ck['config']}, not {run_cfg}; "
                     "delete it or use another --work")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        st = ck["state"]
        np_rng.bit_generator.state = ck["rng"]["numpy"]
        torch.set_rng_state(ck["rng"]["torch"])
        random.setstate(ck["rng"]["python"])
        resume_step = st["step"]
        if ck["minutes"] != args.minutes:
            print(f"note: budget changed {ck['minutes']} -> {args.minutes} min; lr schedule jumps")
        print(f"resumed at step {st['step']}, {st['elapsed']:.0f}s trained", flush=True)

    def checkpoint():
        save_atomic(dict(model=model.state_dict(), optimizer=opt.state_dict(), state=st,
                         config=run_cfg, minutes=args.minutes,
                         rng=dict(numpy=np_rng.bit_generator.state,
                                  torch=torch.get_rng_state(), python=random.getstate())),
                    ckpt_path)

    log = open_log(os.path.join(args.work, "train_log.tsv"), resume_step)

    def log_row(tps, vbpb="", by_domain=None):
        vals = [st["step"], f"{st['elapsed']:.1f}", st["tokens_seen"],
                f"{st['loss_ema']:.4f}" if st["loss_ema"] is not None else "",
                f"{tps:.0f}", f"{lr:.3g}", f"{vbpb:.4f}" if vbpb != "" else ""]
        vals += [f"{by_domain[d]:.4f}" if by_domain and d in by_domain else "" for d in DOMAINS]
        log.write("\t".join(map(str, vals)) + "\n")

    stop = {"sig": None}  # graceful stop: finish the step, checkpoint, exit
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda num, _f: stop.update(sig=num))

    print(f"config {run_cfg}, params {model.num_params():,}, budget {budget_s:.0f}s", flush=True)
    model.train()
    lr = lr_at(st["elapsed"], budget_s, args.lr, warmup_s)
    last_ckpt = last_print = time.time()
    win_tokens, win_time = 0, 0.0
    typical_dt = None
    while st["elapsed"] < budget_s and stop["sig"] is None:
        t0 = time.perf_counter()
        lr = lr_at(st["elapsed"], budget_s, args.lr, warmup_s)
        for g in opt.param_groups:
            g["lr"] = lr
        x, y = sampler.batch(np_rng, args.batch)
        with torch.cpu.amp.autocast(enabled=args.precision == "bf16", dtype=torch.bfloat16):
            logits = model(x)[0]
        loss = F.cross_entropy(logits.float().reshape(-1, cfg.vocab_size), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        dt = time.perf_counter() - t0
        # A step that took over 4x the typical one was paused (kill -STOP during a timed
        # benchmark) or starved: count the typical time, so a pause costs no training budget.
        if typical_dt is not None and dt > 4 * typical_dt:
            dt = typical_dt
        typical_dt = dt if typical_dt is None else 0.95 * typical_dt + 0.05 * dt
        st["step"] += 1
        st["elapsed"] += dt  # training seconds only: eval/ckpt time is not counted
        st["tokens_seen"] += x.numel()
        win_tokens, win_time = win_tokens + x.numel(), win_time + dt
        l = loss.item()
        st["loss_ema"] = l if st["loss_ema"] is None else 0.98 * st["loss_ema"] + 0.02 * l

        now = time.time()
        if now - last_print >= args.print_every:
            tps = win_tokens / win_time
            vbpb, by_domain = "", None
            if st["elapsed"] - st["last_val"] >= args.val_every:
                vbpb = quick_bpb(model, valid, meta, args.ctx)
                by_domain = domain_bpb(model, valid, spans, args.ctx, quick=True) if spans else None
                st["last_val"] = st["elapsed"]
            log_row(tps, vbpb, by_domain)
            print(f"step {st['step']} t {st['elapsed']:.0f}/{budget_s:.0f}s loss {st['loss_ema']:.3f} "
                  f"lr {lr:.2e} {tps:.0f} tok/s" + (f" quick-val-bpb {vbpb:.4f}" if vbpb != "" else "")
                  + "".join(f" {d} {b:.4f}" for d, b in (by_domain or {}).items()), flush=True)
            win_tokens, win_time, last_print = 0, 0.0, time.time()
        if now - last_ckpt >= args.ckpt_every:
            checkpoint()
            last_ckpt = time.time()

    checkpoint()
    if stop["sig"] is not None:
        print(f"signal {stop['sig']}: checkpoint saved at step {st['step']}, rerun to resume", flush=True)
        sys.exit(1)
    for s in (signal.SIGTERM, signal.SIGINT):  # final eval may simply be killed: a rerun redoes it
        signal.signal(s, signal.SIG_DFL)

    print("final validation ...", flush=True)
    bpb, bpb_wo_first, by_domain, n, total = validate(model, valid, meta, spans, args.ctx)
    log_row(win_tokens / win_time if win_time else 0.0, bpb, by_domain)
    log.close()
    result = dict(config=run_cfg, minutes=args.minutes, params=model.num_params(),
                  steps=st["step"], tokens_seen=st["tokens_seen"],
                  train_seconds=round(st["elapsed"], 1),
                  train_loss_smoothed=st["loss_ema"],
                  valid_tokens=n, valid_bytes=meta["valid_bytes"],
                  valid_bpb=bpb, valid_nats_per_token=total / n,
                  valid_bpb_first_tokens_free=bpb_wo_first,
                  valid_bpb_by_domain=by_domain,
                  note="valid_bpb: non-overlapping ctx windows, first token of each window "
                       "charged ln(V) (no context); slightly pessimistic")
    with open(os.path.join(args.work, "result.json.tmp"), "w") as f:
        json.dump(result, f, indent=2)
    os.replace(os.path.join(args.work, "result.json.tmp"), os.path.join(args.work, "result.json"))
    print(f"{st['tokens_seen']:,} tokens in {st['elapsed']:.0f}s", flush=True)


if __name__ == "__main__":
    main()

using System.Buffers.Binary;
using Lmz.Coding;
using Lmz.Container;
using Lmz.Modeling;

namespace Lmz.Tests;

/// <summary>
/// The shipped transformer through ONNX Runtime: its logits must not depend on the thread count
/// or on which other streams share the batch, and streams coded in parallel must round-trip
/// through window slides. No golden compressed files: float logits differ between CPU classes.
/// </summary>
public sealed class TransformerTests
{
    private static LmzModelBundle Bundle => LmzModelBundle.Default;

    private static int[] Tokens(int offset, int bytes)
    {
        var ids = new List<int>();
        Bundle.Tokenizer.Encode(Repo.Alice.AsSpan(offset, bytes), ids);
        return [.. ids];
    }

    /// <summary>Logits of every step of stream 0 of a batch, copied out (the batch reuses its buffers).</summary>
    private static List<float[]> StepLogits(int[][] streams, int threads, int steps)
    {
        var result = new List<float[]>();
        using var batch = EnsembleProfile.CreateTransformerBatch(Bundle.Transformer, streams.Length, threads, LmzCompressionOptions.DefaultLevel);
        var previous = new int[streams.Length];
        var scores = new TokenScores(Bundle.Tokenizer.VocabSize);
        for (int i = 0; i < steps; i++)
        {
            batch.Step(previous, i);
            batch.Predictors[0].Predict(scores);
            result.Add(scores.IsDense ? scores.DenseValues.ToArray() : []);
            for (int s = 0; s < streams.Length; s++) previous[s] = streams[s][i];
        }
        return result;
    }

    [Fact]
    public void Bundle_ships_a_transformer_matching_the_tokenizer()
    {
        Assert.True(Bundle.HasTransformer, "models/lm must contain model.onnx and model.json");
        Assert.Equal(Bundle.Tokenizer.VocabSize, Bundle.Transformer.Config.VocabSize);
    }

    [Fact]
    public void Steps_allocate_no_managed_memory_including_re_primes()
    {
        using var batch = EnsembleProfile.CreateTransformerBatch(Bundle.Transformer, 2, 1, LmzCompressionOptions.DefaultLevel);
        var previous = new[] { 17, 42 };
        int window = Bundle.Transformer.Config.Context;
        // The first run of each bound shape (the one-token step, the re-prime) may set up ORT
        // state once, so warm up past the first re-prime; then every step and re-prime must
        // allocate nothing.
        int warm = window + 8;
        for (int i = 0; i < warm; i++) batch.Step(previous, i);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = warm; i < warm + 2 * window; i++) batch.Step(previous, i); // crosses at least two re-primes
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{allocated} bytes allocated over {2 * window} steps");
    }

    [Fact]
    public void Logits_are_identical_for_one_and_two_threads_across_a_window_slide()
    {
        int steps = Bundle.Transformer.Config.Context + 40; // crosses one re-prime of the cache
        var stream = Tokens(0, 6000);
        Assert.True(stream.Length > steps);
        var one = StepLogits([stream], threads: 1, steps);
        var two = StepLogits([stream], threads: 2, steps);
        for (int i = 0; i < steps; i++) Assert.True(one[i].AsSpan().SequenceEqual(two[i]), $"step {i} differs");
    }

    [Fact]
    public void Logits_of_a_stream_do_not_depend_on_the_other_streams_in_its_batch()
    {
        // ORT's int8 kernels take their own path for one-row calls, so a stream alone may get
        // logits a few ulps away from the same stream in a batch; lmz runs every stream alone.
        // Among batches of two or more rows, neither the other rows' tokens nor their number matter.
        int steps = 60;
        var mine = Tokens(0, 2000);
        var pair = StepLogits([mine, Tokens(20000, 2000)], threads: 1, steps);
        var eight = StepLogits([mine, .. new[] { 50000, 90000, 9000, 5000, 7000, 3000, 1000 }.Select(at => Tokens(at, 2000))],
            threads: 2, steps);
        for (int i = 0; i < steps; i++) Assert.True(pair[i].AsSpan().SequenceEqual(eight[i]), $"step {i} differs");
    }

    [Fact]
    public void First_position_has_no_network_opinion_and_later_ones_are_finite()
    {
        var logits = StepLogits([Tokens(0, 400)], threads: 1, steps: 3);
        Assert.Empty(logits[0]);
        Assert.All(logits[1], v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Neural_level_round_trips_several_chunks_and_is_identical_for_one_and_two_threads()
    {
        // Three 4 KiB chunks of text: three streams with their own networks, each past a window slide.
        var data = Repo.Alice.AsSpan(20000, 12000).ToArray();
        var one = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = 6, Threads = 1, ChunkSize = 4096 });
        var two = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = 6, Threads = 2, ChunkSize = 4096 });
        Assert.Equal(one, two);
        var info = LmzContainerInfo.Read(new MemoryStream(one));
        Assert.True(info.Chunks.Count >= 3);
        Assert.All(info.Chunks, c => Assert.Equal("TokenNeural", c.Method));
        Bytes.Equal(data, LmzCompressor.Decompress(one, new LmzDecompressionOptions { Threads = 1 }));
        Bytes.Equal(data, LmzCompressor.Decompress(two, new LmzDecompressionOptions { Threads = 2 }));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(9)]
    public void Every_neural_level_round_trips_past_a_window_slide(int level)
    {
        // 6,000 bytes of alice29: ~1,800 tokens, several re-primes at every level's kept context.
        var data = Repo.Alice.AsSpan(40000, 6000).ToArray();
        var packed = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = level, Threads = 2 });
        Assert.Equal("TokenNeural", Assert.Single(LmzContainerInfo.Read(new MemoryStream(packed)).Chunks).Method);
        Bytes.Equal(data, LmzCompressor.Decompress(packed, new LmzDecompressionOptions { Threads = 1 }));
    }

    [Fact]
    public void The_hidden_state_adapter_codes_a_book_smaller()
    {
        // Level 4 has no adapter; the same predictors with a rank-16 adapter (level 6's) must win
        // on 40 KB of prose (ablate on the whole of alice29.txt: 1.6623 -> 1.6407 bpb).
        var ids = Tokens(0, 40000);
        int vocab = Bundle.Tokenizer.VocabSize;
        int Coded(int rank)
        {
            var payload = TokenStreamCoder.Encode([ids], _ =>
            {
                var batch = EnsembleProfile.CreateTransformerBatch(Bundle.Transformer, 1, 2, LmzCompressionOptions.DefaultLevel);
                return new TransformerTokenModel(batch, new TokenEnsemble(vocab,
                    [batch.Predictors[0], new OrderZeroModel(vocab), new TokenNGramModel(vocab, 5), new MatchModel(vocab)],
                    new MixerSettings { AdapterRank = rank }));
            }, 1, default);
            return payload[0].Length;
        }
        int without = Coded(0), with = Coded(16);
        Assert.True(with < without * 0.995, $"rank 16: {with} bytes, no adapter: {without} bytes");
    }

    [Fact]
    public void Transformer_codes_text_in_fewer_bytes_than_the_online_predictors()
    {
        var data = Repo.Alice.AsSpan(0, 8000).ToArray();
        int neural = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = 6 }).Length;
        int online = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = 2 }).Length;
        Assert.True(neural < online * 0.95, $"level 6: {neural} bytes, level 2: {online} bytes");
    }

    [Fact]
    public void Checksum_failure_under_a_foreign_inference_fingerprint_names_the_cpu_class()
    {
        var data = Repo.Alice.AsSpan(0, 3000).ToArray();
        var container = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = 6, Threads = 1 });
        // Pretend another machine made it (header fingerprint) and that its network disagreed
        // with ours (the chunk's original CRC no longer matches what we decode); fix both CRCs.
        BinaryPrimitives.WriteUInt32LittleEndian(container.AsSpan(28), InferenceFingerprint.Current ^ 0x5A5A5A5A);
        BinaryPrimitives.WriteUInt32LittleEndian(container.AsSpan(32), ContainerFormat.Crc(container.AsSpan(0, 32)));
        int record = ContainerFormat.FileHeaderSize;
        Assert.Equal((byte)ChunkMethod.TokenNeural, container[record]);
        container[record + 13] ^= 1;
        BinaryPrimitives.WriteUInt32LittleEndian(container.AsSpan(record + 21), ContainerFormat.Crc(container.AsSpan(record, 21)));
        var error = Assert.Throws<InvalidDataException>(() => LmzCompressor.Decompress(container));
        Assert.Contains("chunk 0", error.Message);
        Assert.Contains("different CPU class", error.Message);
    }
}

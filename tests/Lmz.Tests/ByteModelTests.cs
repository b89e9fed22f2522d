using CsCheck;
using Lmz.Container;
using Lmz.Core;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Bits;
using Lmz.Network;

namespace Lmz.Tests;

/// <summary>The byte-level context mixer's parts: bit histories, adaptive probabilities, refiners, mixer, and the coder over real files.</summary>
public sealed class ByteModelTests
{
    [Fact]
    public void Bit_history_counts_the_seen_bit_up_to_15_and_fades_the_other_above_2()
    {
        EachTransition(BitHistory.Fading, (seen, other) => (Math.Min(seen + 1, 15), other > 2 ? 2 + (other - 2) / 2 : other));
    }

    /// <summary>
    /// Checks every (state, bit) of <paramref name="table"/> against <paramref name="expected"/>, which
    /// maps the counts of the seen bit and of the other bit before to both counts after.
    /// </summary>
    private static void EachTransition(byte[] table, Func<int, int, (int Seen, int Other)> expected) =>
        Gen.Byte.Select(Gen.Int[0, 1]).Sample((state, bit) =>
        {
            byte next = table[state * 2 + bit];
            int Seen(byte s) => bit == 1 ? BitHistory.Ones(s) : BitHistory.Zeros(s);
            int Other(byte s) => bit == 1 ? BitHistory.Zeros(s) : BitHistory.Ones(s);
            Assert.Equal(expected(Seen(state), Other(state)), (Seen(next), Other(next)));
        });

    [Fact]
    public void A_run_of_one_bit_value_reaches_the_certain_state_and_stays()
    {
        byte state = 0;
        for (int i = 0; i < 40; i++) state = BitHistory.Fading[state * 2 + 1];
        Assert.Equal(15, BitHistory.Ones(state));
        Assert.Equal(0, BitHistory.Zeros(state));
    }

    [Fact]
    public void Halving_bit_history_keeps_both_counts_and_halves_them_when_one_would_pass_15()
    {
        EachTransition(BitHistory.Halving, (seen, other) => seen < 15 ? (seen + 1, other) : (8, (other + 1) / 2));
        // 30 ones then 10 zeros: the ones still outnumber the zeros (fading counts would say 2 against 10).
        byte s = 0;
        for (int i = 0; i < 30; i++) s = BitHistory.Halving[s * 2 + 1];
        for (int i = 0; i < 10; i++) s = BitHistory.Halving[s * 2];
        Assert.True(BitHistory.Ones(s) > BitHistory.Zeros(s), $"{BitHistory.Ones(s)} ones, {BitHistory.Zeros(s)} zeros");
    }

    [Fact]
    public void Squash_and_stretch_are_monotone_inverses_within_one_step()
    {
        int previous = 0;
        for (int x = -Logistic.Limit; x <= Logistic.Limit; x++)
        {
            int p = Logistic.Squash(x);
            Assert.InRange(p, 1, 4095);
            Assert.True(p >= previous);
            previous = p;
            Assert.True(Logistic.Squash(Logistic.Stretch(p)) >= p, $"x={x}");
        }
        Assert.Equal(2048, Logistic.Squash(0));
        Assert.InRange(Logistic.Stretch(1000) + Logistic.Stretch(4096 - 1000), -2, 2);
    }

    [Fact]
    public void Adaptive_probability_moves_towards_each_bit_and_stays_in_range()
    {
        Gen.Int[0, 1].Array[1, 400].Sample(bits =>
        {
            var map = new AdaptiveProbability(2, 60);
            foreach (int bit in bits)
            {
                int before = map.P(1);
                map.Update(bit);
                int after = map.P(1);
                Assert.InRange(after, 0, 4095);
                Assert.True(bit == 1 ? after >= before : after <= before);
                Assert.Equal(2048, map.P(0)); // other contexts untouched
            }
        });
    }

    [Fact]
    public void Refiner_learns_a_context_where_the_input_is_wrong_and_keeps_another_as_given()
    {
        var refiner = new BitApm(2);
        for (int i = 0; i < 2000; i++)
        {
            refiner.Refine(3500, 0);
            refiner.Update(0);
        }
        Assert.True(refiner.Refine(3500, 0) < 1000);
        Assert.InRange(refiner.Refine(3500, 1), 3400, 3600);
        Gen.Int[0, 4095].Select(Gen.Int[0, 1]).Sample((p, c) => Assert.InRange(refiner.Refine(p, c), 0, 4095));
    }

    [Fact]
    public void Mixer_learns_to_follow_the_input_that_predicts_and_ignore_the_noise()
    {
        var mixer = new BitMixer(3, [1], 1, 10, 2, 1 << 14);
        var random = new Random(7);
        int right = 0;
        for (int i = 0; i < 20000; i++)
        {
            int bit = random.Next(2);
            mixer.Add(256);
            mixer.Add(bit == 1 ? 600 : -600); // an informative input
            mixer.Add(random.Next(-2047, 2048)); // noise
            mixer.Select(0, 0);
            int x = mixer.Mix(0);
            if (i >= 19000 && (x > 0) == (bit == 1)) right++;
            mixer.Update(bit);
        }
        Assert.True(right > 990, $"{right} of 1000");
    }

    public static TheoryData<string> BinaryFiles() => ["canterbury/sum", "calgary/obj1", "canterbury/grammar.lsp"];

    [Theory]
    [MemberData(nameof(BinaryFiles))]
    public void Corpus_files_round_trip_and_beat_their_order_0_entropy(string name)
    {
        var data = File.ReadAllBytes(Repo.CorpusFile(name));
        var settings = FormatSettings.Bytes(6);
        var payload = ByteStreamCoder.Encode(data, settings);
        Bytes.Equal(data, ByteStreamCoder.Decode(payload, data.Length, settings));
        var counts = new int[256];
        foreach (byte b in data) counts[b]++;
        double order0 = counts.Where(c => c > 0).Sum(c => -c * Math.Log2((double)c / data.Length)) / 8;
        Assert.True(payload.Length < 0.8 * order0, $"{payload.Length} bytes against order-0 {order0:F0}");
    }

    [Fact]
    public void A_slice_of_kennedy_xls_codes_below_xz_and_round_trips_at_every_level_setting()
    {
        var data = File.ReadAllBytes(Repo.CorpusFile("canterbury/kennedy.xls")).AsSpan(0, 200_000).ToArray();
        foreach (int level in new[] { 1, 6 })
        {
            var settings = FormatSettings.Bytes(level);
            var payload = ByteStreamCoder.Encode(data, settings);
            Bytes.Equal(data, ByteStreamCoder.Decode(payload, data.Length, settings));
            Assert.True(payload.Length * 8.0 / data.Length < 0.40, $"level {level}: {payload.Length} bytes");
        }
    }

    [Fact]
    public void Empty_and_one_byte_inputs_round_trip()
    {
        var settings = FormatSettings.Bytes(1);
        foreach (var data in new[] { Array.Empty<byte>(), new byte[] { 0xA5 } })
            Bytes.Equal(data, ByteStreamCoder.Decode(ByteStreamCoder.Encode(data, settings), data.Length, settings));
    }

    [Fact]
    public void A_payload_cut_short_is_invalid_data_or_decodes_to_other_bytes()
    {
        var data = File.ReadAllBytes(Repo.CorpusFile("canterbury/sum"));
        var settings = FormatSettings.Bytes(1);
        var payload = ByteStreamCoder.Encode(data, settings);
        var cut = payload[..(payload.Length / 2)];
        try
        {
            Assert.NotEqual(data, ByteStreamCoder.Decode(cut, data.Length, settings));
        }
        catch (InvalidDataException) { }
    }

    [Fact]
    public void The_row_length_hint_finds_a_16_bit_images_rows_and_refuses_tables_fields_and_text()
    {
        var xray = File.ReadAllBytes(Repo.SharedCorpusFile("silesia/x-ray")).AsSpan(0, 1 << 20);
        Assert.Equal(3800, RecordLength.Detect(xray)); // 1900 samples of 16 bits per row
        foreach (var name in new[] { "canterbury/kennedy.xls", "canterbury/ptt5", "canterbury/sum", "calgary/geo", "calgary/obj2", "canterbury/alice29.txt" })
            Assert.True(RecordLength.Detect(File.ReadAllBytes(Repo.CorpusFile(name))) == 0, name);
        Assert.Equal(0, RecordLength.Detect(new byte[100]));
    }

    [Fact]
    public void Each_byte_model_of_formats_7_to_9_codes_binary_files_smaller_than_the_one_before_and_all_round_trip()
    {
        foreach (var name in new[] { "calgary/geo", "calgary/obj2" })
        {
            var data = File.ReadAllBytes(Repo.CorpusFile(name));
            int[] sizes = new int[4];
            for (int k = 1; k <= 3; k++)
            {
                var settings = FormatSettings.Bytes(6, k + 6);
                var payload = ByteStreamCoder.Encode(data, settings);
                Bytes.Equal(data, ByteStreamCoder.Decode(payload, data.Length, settings));
                sizes[k] = payload.Length;
            }
            Assert.True(sizes[2] < sizes[1], $"{name}: format 8 {sizes[2]} bytes, format 7 {sizes[1]}");
            Assert.True(sizes[3] < sizes[2], $"{name}: format 9 {sizes[3]} bytes, format 8 {sizes[2]}");
        }
    }

    [Fact]
    public void The_encoder_leaves_the_table_trial_contexts_out_of_tables_and_images_only()
    {
        // As the codec offers binary chunks: without the contexts for text and structured text.
        var level6 = FormatSettings.Bytes(6);
        var settings = level6 with { Contexts = level6.Contexts & ~(ByteContexts.ForText | ByteContexts.StructuredContexts) };
        foreach (var name in new[] { "canterbury/kennedy.xls", "canterbury/ptt5" })
        {
            var data = File.ReadAllBytes(Repo.CorpusFile(name));
            var header = BytePayloadHeader.Choose(data, settings);
            Assert.Equal(ByteContexts.None, header.Contexts & BytePayloadHeader.TableTrial);
            var payload = ByteStreamCoder.Encode(data, settings);
            Bytes.Equal(data, ByteStreamCoder.Decode(payload, data.Length, settings));
        }
        foreach (var name in new[] { "calgary/book1", "silesia/mr:600000" })
        {
            var data = name.Contains(':')
                ? File.ReadAllBytes(Repo.SharedCorpusFile(name[..name.IndexOf(':')])).AsSpan(0, 600_000).ToArray()
                : File.ReadAllBytes(Repo.CorpusFile(name));
            Assert.Equal(BytePayloadHeader.TableTrial, BytePayloadHeader.Choose(data, settings).Contexts & BytePayloadHeader.TableTrial);
        }
        // Short chunks and a caller that turns the trial off keep every context.
        var kennedy = File.ReadAllBytes(Repo.CorpusFile("canterbury/kennedy.xls"));
        Assert.Equal(BytePayloadHeader.TableTrial, BytePayloadHeader.Choose(kennedy.AsSpan(0, BytePayloadHeader.TrialMinimum - 1), settings).Contexts & BytePayloadHeader.TableTrial);
        Assert.Equal(BytePayloadHeader.TableTrial, BytePayloadHeader.Choose(kennedy, settings with { Trial = false }).Contexts & BytePayloadHeader.TableTrial);
    }

    [Fact]
    public void A_byte_payload_header_naming_other_contexts_a_long_row_or_cut_short_is_invalid_data()
    {
        var data = File.ReadAllBytes(Repo.CorpusFile("canterbury/sum"));
        var settings = FormatSettings.Bytes(1) with { Contexts = Format08.Contexts & ~ByteContexts.Order5 };
        var payload = ByteStreamCoder.Encode(data, settings);
        Bytes.Equal(data, ByteStreamCoder.Decode(payload, data.Length, settings));

        var otherContexts = (byte[])payload.Clone();
        otherContexts[3] |= (byte)((int)ByteContexts.Order5 >> 8);
        Assert.Throws<InvalidDataException>(() => ByteStreamCoder.Decode(otherContexts, data.Length, settings));
        var longRow = (byte[])payload.Clone();
        (longRow[0], longRow[1]) = (0xFF, 0xFF);
        Assert.Throws<InvalidDataException>(() => ByteStreamCoder.Decode(longRow, data.Length, settings));
        Assert.Throws<InvalidDataException>(() => ByteStreamCoder.Decode(payload[..(settings.HeaderBytes - 1)], data.Length, settings));
    }

    [Fact]
    public void The_format_11_byte_model_codes_a_chemical_database_smaller_at_the_network_levels_only()
    {
        var data = File.ReadAllBytes(Repo.SharedCorpusFile("silesia/nci")).AsSpan(0, 512 << 10).ToArray();
        var format10 = FormatSettings.Bytes(6, 10);
        var format11 = FormatSettings.Bytes(6, 11);
        Assert.Equal((5, 6), (format10.HeaderBytes, format11.HeaderBytes));
        var before = ByteStreamCoder.Encode(data, format10);
        var after = ByteStreamCoder.Encode(data, format11);
        Bytes.Equal(data, ByteStreamCoder.Decode(after, data.Length, format11));
        Assert.True(after.Length * 100L < before.Length * 97L, $"format 11 {after.Length} bytes, format 10 {before.Length}");
        // The fast levels keep format 9's contexts in format 11's header.
        Assert.Equal(Format09.Contexts, FormatSettings.Bytes(1, 11).Contexts);
        Assert.Equal((Format09.Contexts | ByteContexts.ForText), FormatSettings.Bytes(9, 11).Contexts);
    }

    [Fact]
    public void A_revision_4_header_naming_a_context_the_level_lacks_or_cut_short_is_invalid_data()
    {
        var data = File.ReadAllBytes(Repo.CorpusFile("canterbury/sum"));
        var level6 = FormatSettings.Bytes(6, 11);
        var payload = ByteStreamCoder.Encode(data, level6);
        Assert.Equal(ByteContexts.Order24, (ByteContexts)(payload[5] << 24) & ByteContexts.Order24); // the fourth byte of flags is written
        Bytes.Equal(data, ByteStreamCoder.Decode(payload, data.Length, level6));
        var level1 = FormatSettings.Bytes(1, 11);
        Assert.Throws<InvalidDataException>(() => ByteStreamCoder.Decode(payload, data.Length, level1 with { TableBits = level6.TableBits }));
        Assert.Throws<InvalidDataException>(() => ByteStreamCoder.Decode(payload[..5], data.Length, level6));
    }

    [Fact]
    public void The_format_12_byte_model_codes_DNA_smaller_and_everything_else_as_format_11s()
    {
        var dna = File.ReadAllBytes(Repo.SharedCorpusFile("large/E.coli")).AsSpan(0, 512 << 10).ToArray();
        var format11 = FormatSettings.Bytes(6, 11);
        var format12 = FormatSettings.Bytes(6, 12);
        Assert.Equal(ByteContexts.Nucleotides, format12.Contexts & ~format11.Contexts);
        var before = ByteStreamCoder.Encode(dna, format11);
        var after = ByteStreamCoder.Encode(dna, format12);
        Assert.Equal(ByteContexts.NucleotideContexts, (ByteContexts)BitConverter.ToInt32(after, 2));
        Bytes.Equal(dna, ByteStreamCoder.Decode(after, dna.Length, format12));
        Assert.True(after.Length * 1000L < before.Length * 995L, $"format 12 {after.Length} bytes, format 11 {before.Length}");
        // Anything else gets none of the nucleotide model: the same payload as revision 4's, byte for byte.
        foreach (var other in new[] { File.ReadAllBytes(Repo.CorpusFile("canterbury/sum")), File.ReadAllBytes(Repo.SharedCorpusFile("silesia/nci")).AsSpan(0, 128 << 10).ToArray() })
            Bytes.Equal(ByteStreamCoder.Encode(other, format11), ByteStreamCoder.Encode(other, format12));
        // The fast levels offer it too, over revision 3's contexts.
        Assert.Equal(Format09.Contexts | ByteContexts.Nucleotides, FormatSettings.Bytes(1, 12).Contexts);
    }

    [Fact]
    public void The_encoder_names_stationary_counts_for_an_image_and_not_for_code_text_or_short_chunks()
    {
        // As the codec offers binary chunks: without revision 4's text contexts.
        var level6 = FormatSettings.Bytes(6);
        var settings = level6 with { Contexts = level6.Contexts & ~ByteContexts.ForText };
        ByteContexts Chosen(string file, int length) =>
            BytePayloadHeader.Choose(File.ReadAllBytes(file).AsSpan(0, length), settings).Contexts & ByteContexts.Nucleotides;
        // Silesia mr, a medical image: 2.8% smaller whole at -6 with them.
        Assert.Equal(ByteContexts.Stationary, Chosen(Repo.SharedCorpusFile("silesia/mr"), 1 << 20));
        // Silesia ooffice, x86 code: 2.1% larger with them.
        Assert.Equal(ByteContexts.None, Chosen(Repo.SharedCorpusFile("silesia/ooffice"), 1 << 20));
        // Below the trial's minimum nothing is tried.
        Assert.Equal(ByteContexts.None, Chosen(Repo.SharedCorpusFile("silesia/mr"), BytePayloadHeader.TrialMinimum - 1));
        // Chunks offered the text contexts (text the network did not take) skip the trial.
        Assert.Equal(ByteContexts.None, BytePayloadHeader.Choose(File.ReadAllBytes(Repo.SharedCorpusFile("silesia/mr")).AsSpan(0, 1 << 20), level6).Contexts & ByteContexts.Nucleotides);
        // Without trials (as `bench bytes --no-trial`), none either.
        Assert.Equal(ByteContexts.None, BytePayloadHeader.Choose(File.ReadAllBytes(Repo.SharedCorpusFile("silesia/mr")).AsSpan(0, 1 << 20), settings with { Trial = false }).Contexts & ByteContexts.Nucleotides);
    }

    [Fact]
    public void A_format_11_header_naming_the_nucleotide_model_is_invalid_data()
    {
        var dna = File.ReadAllBytes(Repo.SharedCorpusFile("large/E.coli")).AsSpan(0, 20_000).ToArray();
        var payload = ByteStreamCoder.Encode(dna, FormatSettings.Bytes(6, 12));
        Assert.Throws<InvalidDataException>(() => ByteStreamCoder.Decode(payload, dna.Length, FormatSettings.Bytes(6, 11)));
        Bytes.Equal(dna, ByteStreamCoder.Decode(payload, dna.Length, FormatSettings.Bytes(6, 12)));
    }

    [Fact]
    public void Nucleotides_are_nine_tenths_bases_in_either_case()
    {
        Assert.True(BytePayloadHeader.LooksLikeNucleotides(File.ReadAllBytes(Repo.SharedCorpusFile("large/E.coli")).AsSpan(0, 4096)));
        Assert.False(BytePayloadHeader.LooksLikeNucleotides(File.ReadAllBytes(Repo.CorpusFile("canterbury/alice29.txt"))));
        Assert.False(BytePayloadHeader.LooksLikeNucleotides([]));
        // FASTA: a header line, lines of 60 bases in both cases, a run of N.
        var fasta = ">chr1 test\n"u8.ToArray().Concat(Enumerable.Range(0, 100).SelectMany(i => Enumerable.Range(0, 60).Select(j => (byte)"ACGTacgt"[(i * 7 + j * j) % 8]).Append((byte)'\n'))).ToArray();
        Assert.True(BytePayloadHeader.LooksLikeNucleotides(fasta));
        byte[] Mix(int bases) => [.. Enumerable.Repeat((byte)'g', bases), .. Enumerable.Repeat((byte)'N', 100 - bases)];
        Assert.True(BytePayloadHeader.LooksLikeNucleotides(Mix(90)));
        Assert.False(BytePayloadHeader.LooksLikeNucleotides(Mix(89)));
    }

    [Fact]
    public void The_codec_names_text_contexts_for_text_chunks_and_the_nucleotide_model_for_DNA_only()
    {
        var codec = new GroupCodec(LmzModelBundle.Default.Files, LevelProfile.For(6), Format.Current, 2, Lmz.Network.NetworkEngineKind.Native);
        ByteContexts Named(byte[] chunk)
        {
            var encoded = Assert.Single(codec.CompressGroup([chunk], CancellationToken.None));
            Assert.Equal(ChunkMethod.Bytes, encoded.Record.Method);
            return (ByteContexts)BitConverter.ToInt32(encoded.Payload, 2);
        }
        // Binary (sum: 38 KB of a SPARC executable): revision 3's contexts.
        Assert.Equal(ByteContexts.None, Named(File.ReadAllBytes(Repo.CorpusFile("canterbury/sum"))) & ByteContexts.ForText);
        // Text the network does not take (a chemical database): the text contexts too.
        var nci = File.ReadAllBytes(Repo.SharedCorpusFile("silesia/nci")).AsSpan(0, 100_000).ToArray();
        Assert.Equal(ByteContexts.ForText, Named(nci) & ByteContexts.ForText);
        Assert.Equal(ByteContexts.None, Named(nci) & ByteContexts.Nucleotides);
        // DNA: the nucleotide model and its contexts.
        var dna = File.ReadAllBytes(Repo.SharedCorpusFile("large/E.coli")).AsSpan(0, 100_000).ToArray();
        Assert.Equal(ByteContexts.NucleotideContexts, Named(dna));
    }

    /// <summary>x86-like bytes: random code with a near call or jump every 24 bytes on average.</summary>
    private static byte[] CallDense(int length, int seed)
    {
        var random = new Random(seed);
        var data = new byte[length];
        random.NextBytes(data);
        for (int i = 0; i + 5 <= length; i += random.Next(5, 44))
        {
            data[i] = random.Next(2) == 0 ? (byte)0xE8 : (byte)0xE9;
            data[i + 4] = random.Next(2) == 0 ? (byte)0x00 : (byte)0xFF;
        }
        return data;
    }

    [Fact]
    public void X86_call_filter_inverse_restores_every_input()
    {
        Gen.Byte.Array[0, 600].Select(Gen.Int[0, 1]).Sample((random, dense) =>
        {
            var original = dense == 1 ? CallDense(random.Length + 5, random.Length) : random;
            var data = (byte[])original.Clone();
            X86CallFilter.Forward(data);
            X86CallFilter.Inverse(data);
            Bytes.Equal(original, data);
        });
    }

    [Fact]
    public void X86_call_filter_makes_repeated_call_targets_identical()
    {
        // Two calls of the same absolute target 1000 bytes apart.
        var data = new byte[8192];
        int target = 5000;
        foreach (int at in new[] { 100, 1100 })
        {
            int offset = target - at;
            data[at] = 0xE8;
            BitConverter.GetBytes(offset).CopyTo(data, at + 1);
        }
        X86CallFilter.Forward(data);
        Assert.Equal(data.AsSpan(101, 4).ToArray(), data.AsSpan(1101, 4).ToArray());
    }

    [Fact]
    public void Only_call_dense_data_looks_like_x86()
    {
        Assert.True(X86CallFilter.LooksLikeX86(CallDense(1 << 16, 3)));
        foreach (var name in new[] { "canterbury/kennedy.xls", "calgary/obj2", "canterbury/ptt5", "canterbury/alice29.txt" })
            Assert.False(X86CallFilter.LooksLikeX86(File.ReadAllBytes(Repo.CorpusFile(name))), name);
    }

    [Fact]
    public void A_call_dense_chunk_is_coded_through_the_x86_filter_and_round_trips()
    {
        var data = CallDense(50_000, 9);
        var container = LmzCompressor.Compress(data, Options.Level1(1 << 20));
        Assert.Equal("BytesX86", Assert.Single(LmzContainerInfo.Read(new MemoryStream(container)).Chunks).Method);
        Bytes.Equal(data, LmzCompressor.Decompress(container, Options.Decode()));
    }
}

using Lmz.Coding;
using Lmz.Models.Bits;

namespace Lmz.Methods;

/// <summary>
/// The byte payload's header from format 8: the row length the encoder found (16 bits, little-endian;
/// 0 for none) and the contexts its model uses (flags of <see cref="ByteContexts"/>, little-endian: 24
/// bits in formats 8–10, 32 in formats 11–14, 48 from format 15).
/// </summary>
internal readonly record struct BytePayloadHeader(int Row, ByteContexts Contexts)
{
    /// <summary>
    /// Contexts that each cost a little on tables and images (kennedy.xls, ptt5) but pay on code
    /// and databases: without them kennedy.xls is 2.0% and ptt5 1.2% smaller, and a fifth faster,
    /// but obj2 8.7% and osdb's head 7.1% larger (docs/decisions/byte-model.md).
    /// </summary>
    public const ByteContexts TableTrial = ByteContexts.Order1 | ByteContexts.Order2 | ByteContexts.Order3 | ByteContexts.Skip1
        | ByteContexts.Skip1Pair | ByteContexts.Column | ByteContexts.Sparse16;

    /// <summary>Where the format offers it (<see cref="ByteModelSettings.TableTrial"/>), a chunk of at least this many bytes has <see cref="TableTrial"/> tried on a sample.</summary>
    public const int TrialMinimum = 256 << 10;

    /// <summary>The sample: this many bytes from the middle of the chunk, coded with tables of 2^<see cref="TrialTableBits"/> bytes.</summary>
    public const int TrialBytes = 32 << 10, TrialTableBits = 18;

    /// <summary>
    /// The encoder's choice for <paramref name="data"/> among the contexts of <paramref name="settings"/>:
    /// the row length, and where the format offers the trial, for a long chunk, whether its sample codes at least 2%
    /// smaller without <see cref="TableTrial"/>; where it offers <see cref="ByteContexts.Nucleotides"/>, for DNA, only
    /// <see cref="ByteContexts.NucleotideContexts"/>, and for anything else none of
    /// <see cref="ByteContexts.Nucleotides"/> unless the <see cref="StationaryTrial"/> picks
    /// <see cref="ByteContexts.Stationary"/>. The choice is only the encoder's: the header names it.
    /// </summary>
    public static BytePayloadHeader Choose(ReadOnlySpan<byte> data, ByteModelSettings settings)
    {
        var offered = settings.Contexts;
        if ((offered & ByteContexts.Nucleotides) == 0) return ChooseTables(data, settings, offered);
        if (LooksLikeNucleotides(data)) return new BytePayloadHeader(0, offered & ByteContexts.NucleotideContexts);
        return StationaryTrial(data, settings, ChooseTables(data, settings, offered & ~ByteContexts.Nucleotides));
    }

    /// <summary>With <see cref="ByteContexts.Nucleotides"/> offered, a chunk of at least <see cref="TrialMinimum"/> bytes tries <see cref="ByteContexts.Stationary"/> on a sample of up to this many bytes from its middle, coded with tables of 2^<see cref="StationaryTrialTableBits"/> bytes.</summary>
    public const int StationaryTrialBytes = 256 << 10, StationaryTrialTableBits = 20;

    /// <summary>
    /// <paramref name="chosen"/> with <see cref="ByteContexts.Stationary"/> if the sample codes at
    /// least 0.5% smaller with it. Images gain from it and code loses (2 MiB heads: Silesia mr
    /// 3.4% smaller, x-ray 1.0%, but ooffice 2.1% larger; ptt5 1.7% smaller, obj2 5.7% larger).
    /// Samples of 32 KiB judged it worse on every file and 128 KiB missed ptt5; 256 KiB finds mr,
    /// x-ray and ptt5 and passes over osdb and kennedy.xls, which gain 0.4% and 2.7% whole
    /// (bench/results/byte-runs.md).
    /// </summary>
    private static BytePayloadHeader StationaryTrial(ReadOnlySpan<byte> data, ByteModelSettings settings, BytePayloadHeader chosen)
    {
        // Text never took it (nci, reymont, xml), so chunks named the contexts for text skip the trial's 3 s of CPU.
        if (!settings.Trial || data.Length < TrialMinimum || (chosen.Contexts & ByteContexts.ForText) != 0) return chosen;
        int length = Math.Min(StationaryTrialBytes, data.Length / 2);
        var sample = data.Slice((data.Length - length) / 2, length);
        var small = settings with { TableBits = Math.Min(settings.TableBits, StationaryTrialTableBits) };
        var stationary = chosen with { Contexts = chosen.Contexts | ByteContexts.Stationary };
        long with = ByteStreamCoder.CodedLength(sample, small, stationary), without = ByteStreamCoder.CodedLength(sample, small, chosen);
        return with * 200 <= without * 199 ? stationary : chosen;
    }

    /// <summary>The row length and, where offered, the table trial's verdict among <paramref name="offered"/>.</summary>
    private static BytePayloadHeader ChooseTables(ReadOnlySpan<byte> data, ByteModelSettings settings, ByteContexts offered)
    {
        int row = RecordLength.Detect(data);
        // The 16-bit image contexts only pay with a row length to read the row above from.
        if (row == 0 || (row & 1) != 0) offered &= ~(ByteContexts.Image16Gradient | ByteContexts.Image16Neighbours);
        var full = new BytePayloadHeader(row, offered);
        if (!settings.Trial || !settings.TableTrial || data.Length < TrialMinimum || (offered & TableTrial) != TableTrial) return full;
        var sample = data.Slice((data.Length - TrialBytes) / 2, TrialBytes);
        var small = settings with { TableBits = Math.Min(settings.TableBits, TrialTableBits) };
        var table = full with { Contexts = offered & ~TableTrial };
        // A young model favours fewer contexts, so the sample must show a clear gain: without these
        // contexts kennedy.xls's sample is 3.2% smaller and ptt5's 6.9%, but Silesia mr's 0.5%
        // smaller while the whole chunk is 0.4-2.3% larger (docs/decisions/byte-model.md).
        long without = ByteStreamCoder.CodedLength(sample, small, table), with = ByteStreamCoder.CodedLength(sample, small, full);
        return without * 50 < with * 49 ? table : full;
    }

    /// <summary>DNA: at least 90% of the bytes are A, C, G or T (either case); FASTA's line feeds, headers and runs of N fit under the rest.</summary>
    public static bool LooksLikeNucleotides(ReadOnlySpan<byte> data)
    {
        long bases = 0;
        foreach (byte b in data) if ((b | 0x20) is (byte)'a' or (byte)'c' or (byte)'g' or (byte)'t') bases++;
        return data.Length > 0 && bases * 10 >= data.Length * 9L;
    }

    /// <param name="output">Where the header goes.</param>
    /// <param name="size">The header's bytes: 5 with 24 bits of context flags, 6 with 32, 8 with 48.</param>
    public void Write(Stream output, int size)
    {
        long flags = (long)Contexts;
        Span<byte> header = [(byte)Row, (byte)(Row >> 8), (byte)flags, (byte)(flags >> 8), (byte)(flags >> 16), (byte)(flags >> 24), (byte)(flags >> 32), (byte)(flags >> 40)];
        output.Write(header[..size]);
    }

    /// <summary>Parses the header; one that is cut short, or names contexts outside <paramref name="allowed"/> or a longer row than the encoder finds, is invalid data.</summary>
    public static BytePayloadHeader Read(ReadOnlySpan<byte> payload, ByteContexts allowed, int size)
    {
        if (payload.Length < size) throw new InvalidDataException("the byte-model payload is shorter than its header");
        int row = payload[0] | payload[1] << 8;
        long flags = 0;
        for (int i = size - 1; i >= 2; i--) flags = flags << 8 | payload[i];
        var contexts = (ByteContexts)flags;
        if ((contexts & ~allowed) != 0 || row > RecordLength.MaxDetected)
            throw new InvalidDataException($"the byte-model header names contexts {(long)contexts:x} or row length {row} that this level does not have");
        return new BytePayloadHeader(row, contexts);
    }
}

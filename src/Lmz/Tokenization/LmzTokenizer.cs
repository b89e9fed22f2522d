using System.Text;
using System.Text.Unicode;
using Microsoft.ML.Tokenizers;

namespace Lmz.Tokenization;

/// <summary>
/// Lossless byte-level BPE. Valid UTF-8 runs go through Microsoft.ML.Tokenizers' tiktoken
/// encoder with our own rank file; every byte that is not valid UTF-8 becomes its single-byte
/// token (ranks 0..255 are the 256 bytes). Decoding maps ids straight to bytes.
/// </summary>
internal sealed class LmzTokenizer
{
    private readonly TiktokenTokenizer _tiktoken;
    private readonly byte[][] _tokenBytes;

    private LmzTokenizer(TiktokenTokenizer tiktoken, byte[][] tokenBytes)
    {
        _tiktoken = tiktoken;
        _tokenBytes = tokenBytes;
    }

    public int VocabSize => _tokenBytes.Length;

    /// <summary>Longest token in bytes; bounds the decoder's output per token.</summary>
    public int MaxTokenLength { get; private init; }

    public static LmzTokenizer Load(string rankFilePath)
    {
        using var stream = File.OpenRead(rankFilePath);
        return Load(stream);
    }

    /// <summary>Reads a tiktoken rank file (one "base64 rank" per line, ranks 0..V-1 dense).</summary>
    public static LmzTokenizer Load(Stream rankFile)
    {
        using var buffer = new MemoryStream();
        rankFile.CopyTo(buffer);
        var tokenBytes = ParseRanks(buffer.ToArray());
        buffer.Position = 0;
        var preTokenizer = new RegexPreTokenizer(PreTokenization.Regex(), specialTokens: null);
        var tiktoken = TiktokenTokenizer.Create(buffer, preTokenizer, normalizer: null);
        return new LmzTokenizer(tiktoken, tokenBytes) { MaxTokenLength = tokenBytes.Max(t => t.Length) };
    }

    private static byte[][] ParseRanks(byte[] file)
    {
        var lines = Encoding.ASCII.GetString(file).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var tokens = new byte[lines.Length][];
        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            if (parts.Length != 2 || !int.TryParse(parts[1], out int rank) || rank < 0 || rank >= tokens.Length || tokens[rank] != null)
                throw new InvalidDataException($"Tokenizer rank file: bad line '{line}'.");
            var bytes = new byte[parts[0].Length];
            if (!Convert.TryFromBase64String(parts[0], bytes, out int length))
                throw new InvalidDataException($"Tokenizer rank file: bad line '{line}' (invalid base64).");
            tokens[rank] = bytes[..length];
        }
        for (int b = 0; b < 256; b++)
        {
            if (tokens.Length <= b || tokens[b].Length != 1 || tokens[b][0] != b)
                throw new InvalidDataException($"Tokenizer rank file: rank {b} must be the single byte 0x{b:X2}.");
        }
        return tokens;
    }

    public ReadOnlySpan<byte> TokenBytes(int id) => _tokenBytes[id];

    /// <summary>
    /// Runs of non-whitespace characters the compressor cuts after this many (see <see cref="Encode"/>):
    /// BPE's cost grows faster than a piece's length, so 64 KiB of E.coli, one piece, took 1.2 s
    /// against 0.06 s for alice29.txt's first 64 KiB. Text has no such runs, so its tokens are the same.
    /// </summary>
    public const int CodingRunLimit = 1024;

    /// <summary>
    /// Appends the tokens of <paramref name="data"/> to <paramref name="ids"/>; every run of more
    /// than <paramref name="runLimit"/> characters without whitespace is tokenized in pieces of that
    /// many (decoders only spell tokens, so any cut decodes; the training data is tokenized uncut).
    /// </summary>
    public void Encode(ReadOnlySpan<byte> data, List<int> ids, int runLimit = int.MaxValue)
    {
        var chars = new char[data.Length];
        while (!data.IsEmpty)
        {
            var status = Utf8.ToUtf16(data, chars, out int read, out int written, replaceInvalidSequences: false, isFinalBlock: true);
            if (written > 0) EncodeText(chars.AsSpan(0, written), ids, runLimit);
            data = data[read..];
            if (status == System.Buffers.OperationStatus.InvalidData)
            {
                ids.Add(data[0]);
                data = data[1..];
            }
        }
    }

    private void EncodeText(ReadOnlySpan<char> chars, List<int> ids, int runLimit)
    {
        int start = 0, run = 0;
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.IsWhiteSpace(chars[i])) run = 0;
            else if (++run > runLimit && !char.IsLowSurrogate(chars[i]))
            {
                ids.AddRange(_tiktoken.EncodeToIds(chars[start..i]));
                (start, run) = (i, 1);
            }
        }
        ids.AddRange(_tiktoken.EncodeToIds(chars[start..]));
    }

    /// <summary>Writes the bytes of all <paramref name="ids"/> to <paramref name="output"/>.</summary>
    public void Decode(ReadOnlySpan<int> ids, Stream output)
    {
        foreach (int id in ids) output.Write(_tokenBytes[id]);
    }
}

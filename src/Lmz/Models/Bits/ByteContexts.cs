namespace Lmz.Models.Bits;

/// <summary>
/// The hashed contexts of the byte model; each can be switched off for ablation. A byte payload's
/// header names its contexts in 32 bits: the flags from bit 32 up are the hybrid's alone.
/// </summary>
[Flags]
internal enum ByteContexts : long
{
    None = 0,
    Order2 = 1 << 0,
    Order3 = 1 << 1,
    Order4 = 1 << 2,
    Order6 = 1 << 3,
    /// <summary>The letters of the current word (case-folded), and the previous word with the last byte outside one.</summary>
    Word = 1 << 4,
    /// <summary>Byte −2 alone: 16-bit structures and every other byte.</summary>
    Skip1 = 1 << 5,
    /// <summary>Bytes −2 and −3.</summary>
    Skip1Pair = 1 << 6,
    /// <summary>Byte −4 alone: 32-bit structures.</summary>
    Skip3 = 1 << 7,
    /// <summary>Fixed-length records: the bytes one and two records above.</summary>
    RecordColumn = 1 << 8,
    /// <summary>Fixed-length records: the byte above with the byte to the left.</summary>
    RecordAboveLeft = 1 << 9,
    /// <summary>Fixed-length records as images: the bytes above-left, above and above-right.</summary>
    RecordNeighbours = 1 << 10,
    /// <summary>Fixed-length records as 1-bit images: the pixels around the next bit's column in the two rows above, and the seven to its left.</summary>
    Pixels = 1 << 11,
    /// <summary>Order 1 as bit histories (besides the direct order-1 input).</summary>
    Order1 = 1 << 12,
    Order5 = 1 << 13,
    /// <summary>Bytes since the last line feed or NUL with the previous byte: columns of variable-length records.</summary>
    Column = 1 << 14,
    /// <summary>Bytes −2 and −4: 16-bit samples and fields.</summary>
    Sparse16 = 1 << 15,
    /// <summary>16-bit little-endian samples in rows of the record length: the gradient prediction from left, above and above-left.</summary>
    Image16Gradient = 1 << 16,
    /// <summary>16-bit little-endian samples in rows of the record length: the left and above samples.</summary>
    Image16Neighbours = 1 << 17,
    /// <summary>Byte −1 with the two bytes that followed its last two occurrences before (an indirect context).</summary>
    Indirect1 = 1 << 18,
    /// <summary>Bytes −2 and −1 with the two bytes that followed their last two occurrences before.</summary>
    Indirect2 = 1 << 19,
    /// <summary>The current word with the previous one (text; the hybrid's byte model, format 10).</summary>
    WordPair = 1 << 20,
    /// <summary>The innermost open bracket and the nesting depth, with byte −1 (code and markup; format 10).</summary>
    Nesting = 1 << 21,
    /// <summary>The byte at the same column of the line before, with the column and byte −1 (code and tables; format 10).</summary>
    Above = 1 << 22,
    /// <summary>Bytes −1…−8 (long repeats: databases, DNA, text in a language the tokenizer does not know).</summary>
    Order8 = 1 << 23,
    /// <summary>Bytes −1…−12 (formats 11 on).</summary>
    Order12 = 1 << 24,
    /// <summary>Bytes −1…−16 (formats 11 on).</summary>
    Order16 = 1 << 25,
    /// <summary>Bytes −1…−24 (formats 11 on).</summary>
    Order24 = 1 << 26,
    /// <summary>The orders above 6.</summary>
    HighOrders = Order8 | Order12 | Order16 | Order24,
    /// <summary>Contexts for text, which the encoder names for chunks of text only (docs/decisions/byte-model.md).</summary>
    ForText = WordPair | Nesting | Above | HighOrders,
    /// <summary>The reverse-complement match model (DNA's inverted repeats, <see cref="ReverseComplementMatchModel"/>).</summary>
    ReverseComplement = 1 << 27,
    /// <summary>A second match model that needs 20 matching bytes (long repeats where every short context recurs, as in DNA).</summary>
    LongMatch = 1 << 28,
    /// <summary>Bit histories that halve rather than fade (<see cref="BitHistory.Halving"/>) and a mixer that learns at a fifth of the rate (statistics that do not drift).</summary>
    Stationary = 1 << 29,
    /// <summary>A model of nucleotide sequences, which the encoder names for chunks of DNA only.</summary>
    Nucleotides = ReverseComplement | LongMatch | Stationary,
    /// <summary>
    /// What the encoder names for a chunk of DNA: orders 2–16 and <see cref="Nucleotides"/>. The
    /// word, column, sparse, indirect and other orders only cost there (bench/results/byte-runs.md).
    /// </summary>
    NucleotideContexts = Order2 | Order3 | Order4 | Order5 | Order6 | Order8 | Order12 | Order16 | Nucleotides,
    /// <summary>Code layout (the hybrid for code): <see cref="CodeLayout.Indent"/>.</summary>
    Indent = 1L << 32,
    /// <summary>The identifier so far: letters, digits, '_', '-' and '*' (the hybrid for code).</summary>
    Identifier = 1L << 33,
    /// <summary>The innermost list's first identifier and the element index, with the identifier so far (the hybrid for code; <see cref="CodeLayout.Syntax"/>).</summary>
    Syntax = 1L << 34,
    /// <summary>The same with the enclosing list's first identifier (the hybrid for code).</summary>
    ParentSyntax = 1L << 35,
    /// <summary>The contexts of <see cref="CodeLayout"/>, the hybrid's for code.</summary>
    CodeContexts = Indent | Identifier | Syntax | ParentSyntax,
    /// <summary>Delimited and log lines (<see cref="FieldContexts"/>): the same field of the line above at the same offset, with the field index and whether the field so far repeats it.</summary>
    FieldAbove = 1L << 36,
    /// <summary>The whole same field one and two lines up, with the field index and the field so far.</summary>
    FieldAbove2 = 1L << 37,
    /// <summary>The line so far with every run of digits as one symbol: the line's template (<see cref="TemplateContexts"/>).</summary>
    LineTemplate = 1L << 38,
    /// <summary>The digit expected next in the line's k-th number, from the k-th numbers of the two lines above and their difference.</summary>
    NumberDelta = 1L << 39,
    /// <summary>JSON: the keys of the enclosing objects, the current key and array index, and the value so far (<see cref="JsonContexts"/>).</summary>
    JsonPath = 1L << 40,
    /// <summary>The two bytes that followed the same template so far, at the same digit of a number, the last time (an indirect context).</summary>
    TemplateIndirect = 1L << 41,
    /// <summary>The digit expected next in a number, from the numbers that followed the same template the last two times, as the same value and as the same step again.</summary>
    TemplateNumber = 1L << 42,
    /// <summary>The contexts for structured text (format 15's byte chunks of text; bench/results/structured-ablation.md).</summary>
    StructuredContexts = FieldAbove | FieldAbove2 | LineTemplate | NumberDelta | JsonPath | TemplateIndirect | TemplateNumber | Identifier,
}

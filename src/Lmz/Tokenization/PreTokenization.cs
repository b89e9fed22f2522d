using System.Text.RegularExpressions;

namespace Lmz.Tokenization;

/// <summary>
/// The word-splitting rule shared by the BPE trainer and the tokenizer: GPT-2's pattern.
/// Every character falls in one alternative (letters, digits, whitespace or "other"), so
/// nothing is dropped; merges never cross a piece boundary.
/// </summary>
internal partial class PreTokenization
{
    public const string Pattern = @"'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    public static partial Regex Regex();
}

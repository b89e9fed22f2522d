using System.CommandLine;

namespace Lmz.Cli;

/// <summary>
/// A front end built on lmz's command line (lmz-cluster): its name and summary, the options it adds to
/// lmz's, and how their values change the settings (typically a different <see cref="CliSettings.Codec"/>).
/// </summary>
public sealed record CommandExtension(string Name, string Description, IReadOnlyList<Option> Options, Func<ParseResult, CliSettings, CliSettings> Apply);

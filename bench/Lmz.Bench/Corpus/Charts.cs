using ScottPlot;

namespace Lmz.Bench.Corpus;

/// <summary>
/// NAME-bpb.png: grouped bars, bits per byte of every file for every compressor.
/// NAME-pareto.png: total bits per byte against total compression speed (log x), one marker per
/// compressor, with the Pareto front (no other compressor both smaller and faster) joined by a line.
/// </summary>
public static class Charts
{
    public const int Height = 700;

    /// <summary>What the charts need: also rebuilt from NAME.csv by the <c>charts</c> command.</summary>
    public sealed record ChartData(string Name, IReadOnlyList<string> Files, IReadOnlyList<string> Compressors, IReadOnlyList<Measurement> Results)
    {
        public List<Totals> Totals { get; } = Corpus.Totals.Compute(Results, Compressors);
    }

    public static List<string> Write(BenchReport report, string outDir) =>
        Write(new ChartData(report.Name, [.. report.Files.Select(f => f.Label)], [.. report.Codecs.Select(c => c.Name)], report.Results), outDir);

    public static List<string> Write(ChartData data, string outDir)
    {
        var colors = new ScottPlot.Palettes.Category10();
        var colorOf = data.Compressors.Select((c, i) => (Name: c, Color: colors.GetColor(i))).ToDictionary(x => x.Name, x => x.Color);
        string bpb = Path.Combine(outDir, data.Name + "-bpb.png");
        string pareto = Path.Combine(outDir, data.Name + "-pareto.png");
        BitsPerByteChart(data, colorOf, bpb);
        ParetoChart(data, colorOf, pareto);
        return [bpb, pareto];
    }

    /// <summary>charts NAME: redraws NAME-bpb.png and NAME-pareto.png from bench/results/NAME.csv (no compressor runs).</summary>
    public static int Run(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: charts NAME   (redraws the PNGs from bench/results/NAME.csv)");
            return 2;
        }
        string csv = args[0].EndsWith(".csv", StringComparison.Ordinal) ? Path.GetFullPath(args[0]) : Path.Combine(RepoPaths.Results, args[0] + ".csv");
        if (!File.Exists(csv))
        {
            Console.Error.WriteLine($"lmz-bench: charts: {RepoPaths.Display(csv)} does not exist");
            return 1;
        }
        var results = ReportWriter.ReadCsv(csv);
        var data = new ChartData(Path.GetFileNameWithoutExtension(csv), [.. results.Select(m => m.File).Distinct()],
            [.. results.Select(m => m.Compressor).Distinct()], results);
        foreach (var path in Write(data, Path.GetDirectoryName(csv)!)) Console.Error.WriteLine($"lmz-bench: wrote {RepoPaths.Display(path)}");
        return 0;
    }

    private static Plot NewPlot()
    {
        var plot = new Plot();
        // The default font (Segoe UI, ...) is rarely installed on Linux; prefer a common sans family.
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial" })
        {
            var typeface = SkiaSharp.SKTypeface.FromFamilyName(family);
            if (typeface != null && typeface.FamilyName == family)
            {
                plot.Font.Set(family);
                break;
            }
        }
        return plot;
    }

    private static void BitsPerByteChart(ChartData r, Dictionary<string, Color> colorOf, string path)
    {
        var plot = NewPlot();
        var codecs = r.Compressors;
        int n = codecs.Count;
        double groupWidth = 0.8, barWidth = groupWidth / n;
        var bars = new List<Bar>();
        var ticks = new List<Tick>();
        for (int f = 0; f < r.Files.Count; f++)
        {
            ticks.Add(new Tick(f, r.Files[f]));
            for (int c = 0; c < n; c++)
            {
                var m = r.Results.FirstOrDefault(x => x.File == r.Files[f] && x.Compressor == codecs[c]);
                if (m is not { Ok: true }) continue;
                bars.Add(new Bar
                {
                    Position = f - groupWidth / 2 + barWidth * (c + 0.5),
                    Value = m.BitsPerByte,
                    Size = barWidth * 0.9,
                    FillColor = colorOf[codecs[c]],
                    LineWidth = 0,
                });
            }
        }
        plot.Add.Bars(bars);
        foreach (var name in codecs) plot.Legend.ManualItems.Add(new LegendItem { LabelText = name, FillColor = colorOf[name] });
        plot.ShowLegend(Edge.Right);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Bottom.TickLabelStyle.OffsetY = 6;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plot.Title($"Bits per byte of each file ({r.Name}; lower is better)");
        plot.YLabel("bits per byte (compressed bits / original byte)");
        plot.Axes.SetLimitsX(-0.6, r.Files.Count - 0.4);
        plot.Axes.Margins(bottom: 0);
        double maxLabel = r.Files.Select(f => f.Length).DefaultIfEmpty(8).Max();
        int labelSpace = (int)(maxLabel * 7.5 * 0.72) + 25; // labels at 45 degrees, ~7.5 px per character
        plot.Layout.Fixed(new PixelPadding(80, 170, labelSpace, 45));
        int width = Math.Max(1200, 300 + r.Files.Count * Math.Max(40, n * 9));
        plot.SavePng(path, width, Height + labelSpace - 60);
    }

    private static void ParetoChart(ChartData r, Dictionary<string, Color> colorOf, string path)
    {
        var plot = NewPlot();
        var points = r.Totals.Where(t => t.Files > 0 && t.CompressKibPerSecond > 0)
            .Select(t => (t.Compressor, X: Math.Log10(t.CompressKibPerSecond), Y: t.BitsPerByte)).ToList();
        foreach (var p in points)
        {
            var marker = plot.Add.Marker(p.X, p.Y, MarkerShape.FilledCircle, 14, colorOf[p.Compressor]);
            marker.LegendText = p.Compressor;
            var label = plot.Add.Text($" {p.Compressor}", p.X, p.Y);
            label.LabelFontSize = 14;
            label.LabelFontColor = colorOf[p.Compressor];
            label.LabelAlignment = Alignment.LowerLeft;
            label.OffsetX = 6;
            label.OffsetY = -4;
        }
        // Pareto front: walking from fastest to slowest, keep each compressor smaller than all faster ones.
        var front = new List<(double X, double Y)>();
        foreach (var p in points.OrderByDescending(p => p.X).ThenBy(p => p.Y))
            if (front.Count == 0 || p.Y < front[^1].Y) front.Add((p.X, p.Y));
        if (front.Count > 1)
        {
            var line = plot.Add.ScatterLine(front.Select(f => f.X).ToArray(), front.Select(f => f.Y).ToArray());
            line.LineWidth = 1.5f;
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Gray;
            line.LegendText = "Pareto front";
        }

        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = x => Math.Pow(10, x).ToString(x < 0 ? "0.###" : "N0", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.15);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.05);
        plot.Grid.MinorLineWidth = 1;
        plot.Title($"Compression ratio vs speed, totals over {r.Files.Count} files ({r.Name}; lower right is better)");
        plot.XLabel("compression speed (KB/s = 1024 input bytes per second, log scale)");
        plot.YLabel("bits per byte (total compressed bits / total original bytes)");
        if (points.Count > 0)
        {
            double minX = points.Min(p => p.X), maxX = points.Max(p => p.X);
            double minY = points.Min(p => p.Y), maxY = points.Max(p => p.Y);
            double padY = Math.Max(0.05, (maxY - minY) * 0.08);
            plot.Axes.SetLimits(Math.Floor(minX - 0.15), Math.Ceiling(maxX + 0.35), Math.Max(0, minY - padY), maxY + padY);
        }
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 1200, Height);
    }

}

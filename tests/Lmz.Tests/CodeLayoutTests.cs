using System.Text;
using CsCheck;
using Lmz.Models.Bits;

namespace Lmz.Tests;

/// <summary>The code layout behind the hybrid's revision-2 contexts (format 14): columns, brackets, heads and element indices.</summary>
public sealed class CodeLayoutTests
{
    private static CodeLayout After(string text)
    {
        var layout = new CodeLayout();
        foreach (byte b in Encoding.ASCII.GetBytes(text)) layout.ByteDone(b);
        return layout;
    }

    [Fact]
    public void Leading_blanks_are_read_against_the_open_brackets_column_and_its_first_arguments()
    {
        // Under "(cond ((x" the next line is indented to the argument of the innermost list, "(x".
        var nested = After("(defun f (x)\n  (cond ((null x) nil)\n\t");
        var same = After("(defun g (y)\n  (cond ((null y) nil)\n\t");
        Assert.Equal(nested.Indent('\t'), same.Indent('\t'));
        // A tab is eight columns: the same bracket structure after two spaces is another context.
        Assert.NotEqual(nested.Indent('\t'), After("(defun f (x)\n  (cond ((null x) nil)\n  ").Indent(' '));
        // Another bracket column is another context.
        Assert.NotEqual(nested.Indent('\t'), After("(defun f (x)\n    (cond ((null x) nil)\n\t").Indent('\t'));
        // Past the blanks the context changes kind: it is the column from the bracket with byte −1.
        Assert.NotEqual(nested.Indent('\t'), After("(defun f (x)\n  (cond ((null x) nil)\n\tx").Indent('x'));
    }

    [Fact]
    public void Syntax_names_the_lists_head_and_the_elements_index_and_forgets_a_closed_list()
    {
        // The third element of a "setq" list, with no identifier begun, whatever the first two held.
        Assert.Equal(After("(setq a ").Syntax, After("(setq bcd ").Syntax);
        Assert.NotEqual(After("(setq a ").Syntax, After("(setq a b ").Syntax);
        Assert.NotEqual(After("(setq a ").Syntax, After("(let a ").Syntax);
        // A nested list counts as one element of its parent, and closing it returns to the parent.
        Assert.Equal(After("(setq a (f x y) ").Syntax, After("(setq a b ").Syntax);
        Assert.Equal(After("(let (").ParentSyntax, After("(let (").ParentSyntax);
        Assert.NotEqual(After("(let (").ParentSyntax, After("(setq (").ParentSyntax);
        // The identifier being written is part of the context.
        Assert.NotEqual(After("(setq ab").Syntax, After("(setq ac").Syntax);
        Assert.Equal(After("(setq ab").Identifier, After("(let ab").Identifier);
        Assert.Equal(0u, After("(setq ab ").Identifier);
    }

    [Fact]
    public void Any_bytes_keep_the_selector_in_range_at_any_nesting_depth()
    {
        var progl = File.ReadAllBytes(Repo.CorpusFile("calgary/progl"));
        var layout = new CodeLayout();
        var seen = new HashSet<int>();
        foreach (byte b in progl)
        {
            layout.ByteDone(b);
            seen.Add(layout.Selector);
        }
        Assert.All(seen, s => Assert.InRange(s, 0, CodeLayout.Selectors - 1));
        Assert.True(seen.Count > 40, $"progl reaches {seen.Count} selector values");

        // 300 open brackets, past the 64 tracked, then as many closing ones, then junk.
        Gen.Byte.Array[0, 2000].Sample(bytes =>
        {
            var deep = After(new string('(', 300) + "a b" + new string(')', 300));
            foreach (byte b in bytes) deep.ByteDone(b);
            Assert.InRange(deep.Selector, 0, CodeLayout.Selectors - 1);
            _ = deep.Indent(bytes.Length > 0 ? bytes[^1] : 0);
            _ = deep.Syntax;
            _ = deep.ParentSyntax;
        });
    }
}

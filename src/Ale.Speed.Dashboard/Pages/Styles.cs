namespace Ale.Speed.Dashboard.Pages;

/// <summary>The one stylesheet, served from the app itself (<c>/assets/dashboard.css</c>; the CSP allows no inline style).</summary>
internal static class Styles
{
    public const string Css = """
        :root { --ink: #1a1a1a; --muted: #4a4a4a; --link: #0b4f9c; --line: #8a8a8a; --head: #e8eef7; --accent: #1f5fa8; }
        * { box-sizing: border-box; }
        body { font-family: "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; margin: 0; line-height: 1.45; }
        a { color: var(--link); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, .scroll:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5em; }
        .skip:focus { left: 0.5em; z-index: 10; }
        header.top { background: #0d3b70; color: #fff; padding: 0.5em 1em; display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em 1.5em; }
        header.top a { color: #fff; }
        .brand { font-weight: bold; margin: 0; }
        .brand span { font-weight: normal; }
        nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.3em 1em; }
        nav a[aria-current] { font-weight: bold; text-decoration-thickness: 3px; }
        .lang { margin: 0 0 0 auto; }
        main { padding: 0.5em 1em 2em; max-width: 75em; }
        footer { padding: 1em; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9em; max-width: 75em; }
        h1 { font-size: 1.6em; margin: 0.4em 0; }
        h2 { font-size: 1.25em; border-bottom: 2px solid var(--accent); padding-bottom: 0.15em; margin-top: 1.6em; }
        h3 { font-size: 1.05em; }
        form.period, form.choose { display: flex; flex-wrap: wrap; gap: 0.4em 0.8em; align-items: center; margin: 0.6em 0; }
        input, select, button { font: inherit; padding: 0.2em 0.4em; }
        button { background: var(--accent); color: #fff; border: 1px solid #0d3b70; border-radius: 3px; padding: 0.25em 0.9em; cursor: pointer; }
        .choice a.current { font-weight: bold; color: var(--ink); }
        .choice span { color: var(--muted); }
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
        caption { text-align: left; font-weight: bold; padding: 0.2em 0; }
        th, td { border: 1px solid var(--line); padding: 0.2em 0.5em; vertical-align: top; }
        th { background: var(--head); text-align: left; }
        code { overflow-wrap: anywhere; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .muted { color: var(--muted); font-size: 0.9em; }
        .note { background: #fff7e0; border-left: 4px solid #8a6100; padding: 0.3em 0.6em; }
        .verdict { font-size: 1.1em; font-weight: bold; }
        figure { margin: 1em 0; }
        figcaption { color: var(--muted); font-size: 0.9em; }
        svg { max-width: 100%; height: auto; }
        svg a:focus-visible circle { stroke: #b35900; stroke-width: 4; }
        .downloads a { margin-right: 1em; }
        .tiles { display: flex; flex-wrap: wrap; gap: 1em; }
        .tiles > * { flex: 1 1 20em; min-width: 0; }
        @media print {
          header.top nav, .lang, form, form.period, form.choose, .downloads, .skip { display: none; }
          header.top { background: none; color: #000; }
          main { max-width: none; padding: 0; }
          .scroll { overflow: visible; }
          table { font-size: 0.7em; }
          th, td { padding: 0.1em 0.25em; }
          td.n { white-space: normal; }
          figure, table, .note { break-inside: avoid; page-break-inside: avoid; }
          a { color: #000; text-decoration: none; }
        }
        @page { size: A4; margin: 15mm; }
        """;
}

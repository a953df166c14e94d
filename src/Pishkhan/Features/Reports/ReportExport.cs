using System.Globalization;
using System.Text;
using ClosedXML.Excel;

namespace Pishkhan.Features.Reports;

/// <summary>Writes a <see cref="ReportTable"/> as CSV (UTF-8 with BOM, so Excel reads Persian) or as an Excel workbook (ClosedXML).</summary>
public static class ReportExport
{
    public const string CsvType = "text/csv; charset=utf-8";
    public const string ExcelType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string FileName(ReportTable table, string extension) => $"pishkhan-{table.Report}-{table.From}-{table.To}.{extension}";

    public static byte[] Csv(ReportTable table)
    {
        var text = new StringBuilder();
        // RFC 4180: CRLF between records, whatever the server's platform.
        text.Append(string.Join(',', table.Columns.Select(Quote))).Append("\r\n");
        foreach (var row in table.Rows)
        {
            text.Append(string.Join(',', row.Select(Cell))).Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f and not Guid => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    private static string Quote(string text)
    {
        // A text cell that a spreadsheet would run as a formula (a name like "=HYPERLINK(...)") is kept as text.
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }

    public static byte[] Excel(ReportTable table)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add(table.Report.Length > 31 ? table.Report[..31] : table.Report);
        for (var c = 0; c < table.Columns.Count; c++)
        {
            sheet.Cell(1, c + 1).Value = table.Columns[c];
            sheet.Cell(1, c + 1).Style.Font.Bold = true;
        }

        for (var r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            for (var c = 0; c < row.Count; c++)
            {
                var cell = sheet.Cell(r + 2, c + 1);
                switch (row[c])
                {
                    case null:
                        break;
                    case int i:
                        cell.Value = i;
                        break;
                    case double d:
                        cell.Value = d;
                        break;
                    case var other:
                        cell.SetValue(other.ToString());
                        break;
                }
            }
        }

        var meta = workbook.Worksheets.Add("filter");
        meta.Cell(1, 1).Value = "from";
        meta.Cell(1, 2).SetValue(table.From);
        meta.Cell(2, 1).Value = "to";
        meta.Cell(2, 2).SetValue(table.To);
        meta.Cell(3, 1).Value = "filter";
        meta.Cell(3, 2).SetValue(table.Filter);
        var line = 4;
        foreach (var (key, value) in table.Summary)
        {
            meta.Cell(line, 1).Value = key;
            meta.Cell(line++, 2).SetValue(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
        }

        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }
}

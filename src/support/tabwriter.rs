//! Go's `text/tabwriter`, the one table writer of the lab, in the two configurations kubectl
//! uses: its printers' (liggitt/tabwriter as cli-runtime configures it: minwidth 6, padding 3,
//! and `RememberWidths`, so that in a watch the columns only grow and earlier lines are not
//! re-aligned; reference §5.1) and `describe`'s (`tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`).
//!
//! Cells are tab-terminated: the last cell of a line is not a column cell and is never padded.
//! A column's cells in consecutive lines form a block whose width is its widest cell plus the
//! padding (Go's `format`), so a line with fewer cells ends the blocks of the columns it lacks.

/// How a writer pads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub min_width: usize,
    pub padding: usize,
    /// Widths persist across flushes and only grow (liggitt/tabwriter's `RememberWidths`), and
    /// cells holding a line break are cut there with `...` (cli-runtime's printers).
    pub printer: bool,
}

/// kubectl's table printers.
pub const PRINTER: Config = Config { min_width: 6, padding: 3, printer: true };

/// `kubectl describe`.
pub const DESCRIBE: Config = Config { min_width: 0, padding: 2, printer: false };

/// A table writer; with [`PRINTER`], the column widths it has written persist across flushes.
#[derive(Clone, Debug)]
pub struct TabWriter {
    config: Config,
    widths: Vec<usize>,
}

impl Default for TabWriter {
    fn default() -> TabWriter {
        TabWriter::new()
    }
}

impl TabWriter {
    /// A writer as kubectl's printers configure it.
    pub fn new() -> TabWriter {
        TabWriter::with(PRINTER)
    }

    pub fn with(config: Config) -> TabWriter {
        TabWriter { config, widths: Vec::new() }
    }

    /// Whether nothing was written yet.
    pub fn is_fresh(&self) -> bool {
        self.widths.is_empty()
    }

    /// Formats `rows` together (one flush). Returns the text, one `\n`-terminated line per row.
    pub fn flush(&mut self, rows: &[Vec<String>]) -> String {
        let rows: Vec<Vec<String>> = if self.config.printer {
            rows.iter().map(|r| r.iter().map(|c| clean(c)).collect()).collect()
        } else {
            rows.to_vec()
        };
        let mut out = String::new();
        let mut block = Vec::new();
        self.format(&rows, &mut block, 0, rows.len(), &mut out);
        out
    }

    /// Go's `format`: the lines `line0..line1` with the widths of the enclosing blocks in
    /// `block`, one more column at each level of recursion.
    fn format(
        &mut self,
        lines: &[Vec<String>],
        block: &mut Vec<usize>,
        mut line0: usize,
        line1: usize,
        out: &mut String,
    ) {
        let column = block.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            write_lines(lines, block, line0, this, out);
            line0 = this;
            let mut width = self.config.min_width;
            while this < line1 && column + 1 < lines[this].len() {
                width = width.max(lines[this][column].chars().count() + self.config.padding);
                this += 1;
            }
            if self.config.printer {
                if self.widths.len() <= column {
                    self.widths.resize(column + 1, 0);
                }
                width = width.max(self.widths[column]);
                self.widths[column] = width;
            }
            block.push(width);
            self.format(lines, block, line0, this, out);
            block.pop();
            line0 = this;
        }
        write_lines(lines, block, line0, line1, out);
    }
}

fn write_lines(lines: &[Vec<String>], widths: &[usize], from: usize, to: usize, out: &mut String) {
    for line in &lines[from..to] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j < widths.len() && j + 1 < line.len() {
                out.extend(std::iter::repeat_n(' ', widths[j].saturating_sub(cell.chars().count())));
            }
        }
        out.push('\n');
    }
}

/// Cells holding `\n`, `\r` or `\f` are cut there and end in `...`.
fn clean(cell: &str) -> String {
    match cell.find(['\n', '\r', '\x0c']) {
        Some(i) => format!("{}...", &cell[..i]),
        None => cell.to_string(),
    }
}

/// One table in one flush, as kubectl's printers write it.
pub fn table(rows: &[Vec<String>]) -> String {
    TabWriter::new().flush(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pads_like_kubectl() {
        let out =
            table(&[r(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]), r(&["web-0", "1/1", "Running", "0", "96s"])]);
        assert_eq!(out, "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   1/1     Running   0          96s\n");
    }

    #[test]
    fn watch_widths_only_grow() {
        let mut tw = TabWriter::new();
        let mut out =
            tw.flush(&[r(&["NAME", "READY", "STATUS", "RESTARTS", "AGE"]), r(&["web-0", "0/1", "Pending", "0", "0s"])]);
        out += &tw.flush(&[r(&["web-0", "0/1", "ContainerCreating", "0", "9s"])]);
        out += &tw.flush(&[r(&["web-0", "1/1", "Running", "0", "18s"])]);
        assert_eq!(
            out,
            "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   0/1     Pending   0          0s\nweb-0   0/1     ContainerCreating   0          9s\nweb-0   1/1     Running             0          18s\n"
        );
    }

    #[test]
    fn short_columns_get_the_minimum_width_and_multiline_cells_are_cut() {
        assert_eq!(table(&[r(&["IP", "X"]), r(&["a\nb", "y"])]), "IP     X\na...   y\n");
        assert_eq!(table(&[r(&["IP", "X"]), r(&["a", "y"])]), "IP    X\na     y\n");
    }

    #[test]
    fn describe_aligns_each_block_of_consecutive_lines_on_its_own() {
        let mut tw = TabWriter::with(DESCRIBE);
        let out = tw.flush(&[
            r(&["Name:", "web-0"]),
            r(&["Namespace:", "default"]),
            r(&["Containers:"]),
            r(&["  Image:", "nginx"]),
        ]);
        assert_eq!(out, "Name:       web-0\nNamespace:  default\nContainers:\n  Image:  nginx\n");
    }
}

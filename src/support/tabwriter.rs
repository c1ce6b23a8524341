//! kubectl's table writer (liggitt/tabwriter as cli-runtime configures it): minwidth 6,
//! padding 3, space padding, the last cell never padded, and `RememberWidths` so that in a
//! watch the columns only grow and earlier lines are not re-aligned (reference §5.1).

/// A table whose column widths persist across flushes.
#[derive(Clone, Debug, Default)]
pub struct TabWriter {
    widths: Vec<usize>,
}

const MIN_WIDTH: usize = 6;
const PADDING: usize = 3;

impl TabWriter {
    /// Whether nothing was written yet.
    pub fn is_fresh(&self) -> bool {
        self.widths.is_empty()
    }

    pub fn new() -> TabWriter {
        TabWriter::default()
    }

    /// Formats `rows` together (one flush): widths are the max of the remembered ones and these
    /// rows' cells. Returns the text, one `\n`-terminated line per row.
    pub fn flush(&mut self, rows: &[Vec<String>]) -> String {
        let n_cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if self.widths.len() < n_cols {
            self.widths.resize(n_cols, 0);
        }
        for row in rows {
            // The last cell of a row is not tab-terminated, so it does not count for widths.
            for (i, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
                let w = (cell_width(cell) + PADDING).max(MIN_WIDTH);
                if w > self.widths[i] {
                    self.widths[i] = w;
                }
            }
        }
        let mut out = String::new();
        for row in rows {
            for (i, cell) in row.iter().enumerate() {
                let cell = clean(cell);
                out.push_str(&cell);
                if i + 1 < row.len() {
                    let pad = self.widths[i].saturating_sub(cell.chars().count());
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Cells holding `\n`, `\r` or `\f` are cut there and end in `...`.
fn clean(cell: &str) -> String {
    match cell.find(['\n', '\r', '\x0c']) {
        Some(i) => format!("{}...", &cell[..i]),
        None => cell.to_string(),
    }
}

fn cell_width(cell: &str) -> usize {
    clean(cell).chars().count()
}

/// One table in one flush.
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
}

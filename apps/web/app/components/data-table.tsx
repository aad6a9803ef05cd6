import type { ReactNode } from "react";

/** One column of a data table: its heading, and what each row shows under it. */
export interface DataColumn<Row> {
  heading: string;
  cell: (row: Row) => ReactNode;
  /** The class of the column's cells, such as "num" for figures. */
  className?: string;
}

interface DataTableProps<Row> {
  /** What the table holds, for screen readers (sighted readers have the section's heading). */
  caption: string;
  /** `false` leaves out a column the reader may not use (a Change column without the right to change). */
  columns: (DataColumn<Row> | false)[];
  rows: Row[];
  rowKey: (row: Row) => string;
  /** The `data-` attributes a row is found by (a person's email, a key's name). */
  rowData: (row: Row) => Record<`data-${string}`, string>;
  testId: string;
}

/**
 * The admin pages' tables (people, API keys, connectors, webhooks): one row per thing, the cells of
 * each row labelled with their column's heading, so that on a phone each row stacks into a block of
 * its own instead of squeezing its columns side by side.
 */
export function DataTable<Row>({ caption, columns, rows, rowKey, rowData, testId }: DataTableProps<Row>) {
  const shown = columns.filter((column) => column !== false);
  return (
    <div className="table-wrap">
      <table className="table data-table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {shown.map((column) => (
              <th key={column.heading} scope="col">
                {column.heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} {...rowData(row)}>
              {shown.map((column) => (
                <td key={column.heading} className={column.className} data-label={column.heading}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

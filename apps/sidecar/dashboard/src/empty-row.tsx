/** @module The one row a table shows when it has nothing to list, spanning all its columns. */
export function EmptyRow({ columns, text }: { columns: number; text: string }) {
  return (
    <tr>
      <td colSpan={columns} class="empty">
        {text}
      </td>
    </tr>
  );
}

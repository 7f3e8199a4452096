/**
 * @module Recent audit records with filters. Filtering runs over the records the page holds as
 * they arrive; "Search the sidecar" asks `GET /api/audit` for matches among the older records the
 * sidecar keeps in memory, and shows those until the operator goes back to the live list.
 */
import { useMemo, useState } from "preact/hooks";
import { AUDIT_RING, type AuditRecordView } from "../../src/dashboard/protocol.js";
import { type AuditFilter, fetchAudit } from "./api.js";
import { StatusBadge } from "./badge.js";
import { EmptyRow } from "./empty-row.js";
import { isoTime, ms, shortNode, time } from "./format.js";

const TYPES = ["tool_call", "auth_failure", "config_change", "admin_action", "eval_result"];
const OUTCOMES = ["ok", "error", "tool_error", "cancelled", "input_required"];
const SHOWN = 100;
const NONE: AuditFilter = { subject: "", tool: "", outcome: "", type: "" };

function contains(value: string | undefined, wanted: string): boolean {
  return wanted === "" || (value ?? "").toLowerCase().includes(wanted.toLowerCase());
}

function matches(record: AuditRecordView, filter: AuditFilter): boolean {
  return (
    contains(record.subject ?? record.actor, filter.subject) &&
    contains(record.tool, filter.tool) &&
    (filter.outcome === "" || record.outcome === filter.outcome) &&
    (filter.type === "" || record.type === filter.type)
  );
}

function Choice(props: {
  label: string;
  value: string;
  options: string[];
  onInput: (value: string) => void;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(event) => props.onInput(event.currentTarget.value)}>
        <option value="">any</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}

/** What else the record says: the eval it is about, and why something failed or was refused. */
function detail(record: AuditRecordView): string {
  const about = record.eval === undefined ? undefined : `eval ${record.eval}`;
  return [about, record.reason].filter((part) => part !== undefined).join(": ");
}

function Row({ record }: { record: AuditRecordView }) {
  const result = record.outcome ?? record.status;
  return (
    <tr data-testid="audit-row" data-type={record.type} data-tool={record.tool ?? ""}>
      <td>
        <time dateTime={isoTime(record.ts)}>{time(record.ts)}</time>
      </td>
      <th scope="row">{record.type}</th>
      <td>{record.subject ?? record.actor ?? "—"}</td>
      <td>{record.tool ?? record.action ?? "—"}</td>
      <td>{result === undefined ? "—" : <StatusBadge status={result} />}</td>
      <td class="num">{record.durationMs === undefined ? "—" : ms(record.durationMs)}</td>
      <td title={record.node}>{record.node === undefined ? "—" : shortNode(record.node)}</td>
      <td class="reason">{detail(record)}</td>
    </tr>
  );
}

export function Audit({ records }: { records: AuditRecordView[] }) {
  const [filter, setFilter] = useState(NONE);
  const [searched, setSearched] = useState<AuditRecordView[] | undefined>(undefined);
  const [note, setNote] = useState("");
  const set = (key: keyof AuditFilter) => (value: string) => setFilter({ ...filter, [key]: value });

  const shown = useMemo(
    () => (searched ?? records.filter((record) => matches(record, filter))).slice(0, SHOWN),
    [records, filter, searched],
  );

  const search = async (event: Event): Promise<void> => {
    event.preventDefault();
    try {
      const found = await fetchAudit(filter);
      setSearched(found);
      setNote(`${found.length} matching records among the sidecar's last ${AUDIT_RING.toLocaleString()}.`);
    } catch (error) {
      setNote(`Search failed: ${(error as Error).message}`);
    }
  };
  const backToLive = (): void => {
    setSearched(undefined);
    setNote("");
  };

  return (
    <section aria-labelledby="audit-heading" class="panel wide">
      <h2 id="audit-heading">Audit log</h2>
      <form class="filters" onSubmit={(event) => void search(event)} aria-label="Filter audit records">
        <label>
          Subject
          <input
            type="search"
            value={filter.subject}
            onInput={(event) => set("subject")(event.currentTarget.value)}
          />
        </label>
        <label>
          Tool
          <input
            type="search"
            value={filter.tool}
            onInput={(event) => set("tool")(event.currentTarget.value)}
          />
        </label>
        <Choice label="Outcome" value={filter.outcome} options={OUTCOMES} onInput={set("outcome")} />
        <Choice label="Type" value={filter.type} options={TYPES} onInput={set("type")} />
        <button type="submit">Search the sidecar</button>
        {searched !== undefined && (
          <button type="button" class="secondary" onClick={backToLive}>
            Back to live records
          </button>
        )}
      </form>
      <p class="muted" aria-live="polite">
        {note}
      </p>
      <table>
        <caption>
          {searched === undefined
            ? `Newest records as they arrive (filtered on this page; ${shown.length} shown)`
            : `Search results from the sidecar (${shown.length} shown)`}
        </caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Subject or actor</th>
            <th scope="col">Tool or action</th>
            <th scope="col">Outcome</th>
            <th scope="col" class="num">
              Duration
            </th>
            <th scope="col">Node</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 && <EmptyRow columns={8} text="No matching records." />}
          {shown.map((record) => (
            <Row key={record.seq} record={record} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

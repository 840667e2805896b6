import { useId, useRef, useState } from 'react';
import { api, apiFile } from '../../api/client';
import type { Menu, MenuRecord } from '../../../../src/http/wire-types';
import type { Notice } from '../../components/alerts';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';

interface RecordTransferProps {
  readonly menu: Menu;
  readonly menuPath: string;
  /** The body of POST filter/ for the records the filters find. */
  readonly filter: Record<string, unknown>;
  readonly onDone: (notice: Notice) => void;
  readonly onError: (error: unknown) => void;
}

/** What maintenance/all/ and excel/maintenance/ answer: how many records each type changed. */
interface BatchCounts {
  readonly Register: number;
  readonly Update: number;
  readonly Discard: number;
  readonly Restore: number;
}

/** Saves `blob` as `name` through the browser's download. */
function saveAs(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Download the records the filters find (Excel, as Exastro's menus do, or JSON), and bulk
 * register from a file: a workbook whose rows say what to do in `_type` (excel/maintenance/), or a
 * JSON file as the download writes it, where a record with its id is updated and one without is
 * registered (maintenance/all/) — all or nothing, either way.
 */
export function RecordTransfer({ menu, menuPath, filter, onDone, onError }: RecordTransferProps) {
  const { t } = useI18n();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    onError(undefined);
    try {
      await work();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };

  const exportExcel = () => run(async () => saveAs(await apiFile('POST', `${menuPath}/excel/?file=binary`, filter), `${menu.menu}.xlsx`));
  const exportJson = () =>
    run(async () => {
      const records = await api<MenuRecord[]>('POST', `${menuPath}/filter/?file=no`, filter);
      const document = records.map((r) => ({ parameter: r.parameter }));
      saveAs(new Blob([`${JSON.stringify(document, null, 2)}\n`], { type: 'application/json' }), `${menu.menu}.json`);
    });

  const applied = (counts: BatchCounts) =>
    onDone({
      key: 'records.imported',
      params: { register: counts.Register, update: counts.Update, discard: counts.Discard, restore: counts.Restore },
    });

  const importFile = (file: File | undefined) =>
    run(async () => {
      if (!file) return;
      if (/\.xlsx$/i.test(file.name)) {
        applied(await api<BatchCounts>('POST', `${menuPath}/excel/maintenance/`, { excel: await base64Of(file) }));
        return;
      }
      let document: unknown;
      try {
        document = JSON.parse(await file.text());
      } catch (err) {
        throw new Error(t('records.importNotJson', { reason: (err as Error).message }), { cause: err });
      }
      if (!Array.isArray(document) || !document.every((item) => typeof item === 'object' && item !== null && 'parameter' in item)) {
        throw new Error(t('records.importShape'));
      }
      const items = (document as Array<{ type?: unknown; parameter: Record<string, unknown> }>).map((item) => ({
        type: typeof item.type === 'string' ? item.type : item.parameter[menu.key] ? 'Update' : 'Register',
        parameter: item.parameter,
      }));
      applied(await api<BatchCounts>('POST', `${menuPath}/maintenance/all/`, items));
    }).finally(() => {
      if (input.current) input.current.value = '';
    });

  return (
    <div className="transfer">
      <button type="button" className="button" onClick={() => void exportExcel()} disabled={busy} title={t('records.exportHint')}>
        {t('records.exportExcel')}
      </button>
      <button type="button" className="button" onClick={() => void exportJson()} disabled={busy} title={t('records.exportHint')}>
        {t('records.exportJson')}
      </button>
      <WriteButton className="button" onClick={() => input.current?.click()} disabled={busy} title={t('records.importHint')} aria-describedby={`${id}-hint`}>
        {t('records.import')}
      </WriteButton>
      <span id={`${id}-hint`} hidden>
        {t('records.importHint')}
      </span>
      <input
        ref={input}
        id={`${id}-file`}
        type="file"
        accept=".xlsx,.json,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        hidden
        aria-label={t('records.import')}
        onChange={(e) => void importFile(e.target.files?.[0])}
      />
    </div>
  );
}

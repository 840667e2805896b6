import { useEffect, useId, useRef, useState } from 'react';
import { api, seg } from '../../api/client';
import type { Organization, OrganizationUser, Workspace } from '../../../../src/http/wire-types';
import { ErrorAlert } from '../../components/alerts';
import { WriteButton } from '../../components/write-button';
import { useI18n } from '../../i18n/i18n';

/** How many names a list in the dialog shows before "and N more". */
const NAMES_SHOWN = 8;

interface OrganizationDeleteDialogProps {
  /** The organization to delete; undefined while the dialog is closed. */
  readonly organization: Organization | undefined;
  readonly onDeleted: (id: string) => void;
  readonly onCancel: () => void;
}

/**
 * Deleting an organization, the one change here that takes everything with it: the dialog says
 * what goes — its workspaces and users by name (read when it opens), every menu, record, file and
 * job — and its Delete button is enabled only once the organization's ID is typed exactly. A native
 * modal <dialog>: focus stays inside, Escape cancels, the field has the focus first; Enter in it
 * deletes only once it matches.
 */
export function OrganizationDeleteDialog({ organization, onDeleted, onCancel }: OrganizationDeleteDialogProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const [typed, setTyped] = useState('');
  const [contents, setContents] = useState<{ readonly workspaces: Workspace[]; readonly users: OrganizationUser[] } | undefined>(undefined);
  const [contentsError, setContentsError] = useState<unknown>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const open = organization !== undefined;
  const orgId = organization?.id;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      inputRef.current?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  // What it holds, read afresh each time the dialog opens.
  useEffect(() => {
    setTyped('');
    setError(undefined);
    setContents(undefined);
    setContentsError(undefined);
    if (orgId === undefined) return;
    let live = true;
    const base = `/api/${seg(orgId)}/platform`;
    Promise.all([api<Workspace[]>('GET', `${base}/workspaces`), api<OrganizationUser[]>('GET', `${base}/users`)])
      .then(([workspaces, users]) => live && setContents({ workspaces, users }))
      .catch((err: unknown) => live && setContentsError(err));
    return () => {
      live = false;
    };
  }, [orgId]);

  const names = (all: readonly string[]) =>
    all.length > NAMES_SHOWN ? t('orgs.deleteAndMore', { names: all.slice(0, NAMES_SHOWN).join(', '), count: all.length - NAMES_SHOWN }) : all.join(', ');

  const remove = async () => {
    if (orgId === undefined || typed !== orgId) return;
    setBusy(true);
    setError(undefined);
    try {
      await api('DELETE', `/api/platform/organizations/${seg(orgId)}`);
      onDeleted(orgId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="dialog org-delete"
      aria-labelledby={`${id}-title`}
      data-testid="org-delete-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{t('orgs.deleteTitle', { id: orgId ?? '' })}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void remove();
        }}
      >
        <div className="dialog__body">
          <p>{t('orgs.deleteGoesWith')}</p>
          <ul className="org-delete__list" data-testid="org-delete-contents">
            {contents ? (
              <>
                <li>
                  {contents.workspaces.length === 0
                    ? t('orgs.deleteNoWorkspaces')
                    : t('orgs.deleteWorkspaces', { count: contents.workspaces.length, names: names(contents.workspaces.map((w) => w.id)) })}
                </li>
                <li>{t('orgs.deleteUsers', { count: contents.users.length, names: names(contents.users.map((u) => u.username)) })}</li>
              </>
            ) : (
              !contentsError && <li>{t('common.loading')}</li>
            )}
            <li>{t('orgs.deleteData')}</li>
          </ul>
          <ErrorAlert error={contentsError} />
          <p>
            <strong>{t('orgs.deleteUndo')}</strong>
          </p>
          <div className="field">
            <label htmlFor={`${id}-typed`}>{t('orgs.deleteType', { id: orgId ?? '' })}</label>
            <input
              id={`${id}-typed`}
              ref={inputRef}
              className="org-delete__typed"
              value={typed}
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              aria-describedby={`${id}-hint`}
              onChange={(e) => setTyped(e.target.value)}
            />
            <p className="hint" id={`${id}-hint`}>
              {t('orgs.deleteTypeHint')}
            </p>
          </div>
          <ErrorAlert error={error} />
        </div>
        <div className="actions">
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <WriteButton type="submit" className="button button--primary button--danger" disabled={busy || orgId === undefined || typed !== orgId}>
            {t('common.delete')}
          </WriteButton>
        </div>
      </form>
    </dialog>
  );
}

import { useI18n } from '../../i18n/i18n';
import { kindLabel } from './job-kinds';

/**
 * A backyard's name as the API spells it, and its label in the language on screen. `compact` (a list
 * of jobs, named by what they run): the label alone, the name in its tooltip — or the name when the
 * console has no label for it.
 */
export function KindName({ backyard, compact = false }: { readonly backyard: string; readonly compact?: boolean }) {
  const { language } = useI18n();
  const label = kindLabel(backyard, language);
  if (compact && label) return <span title={backyard}>{label}</span>;
  return (
    <>
      <code>{backyard}</code>
      {label && <span className="meta"> {label}</span>}
    </>
  );
}

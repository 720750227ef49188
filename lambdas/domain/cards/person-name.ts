// One display name from the parts a structured payload keeps apart (MECARD `N:Last,First`, vCard `N` without `FN`,
// BIZCARD `N:`/`X:`). The payloads say which part is the family name, not in which order people write them; that
// follows the name's script, as the cards themselves print it.

export interface NameParts {
  family?: string;
  given?: string;
  /** Middle names or a patronymic (vCard `N` additional names). */
  additional?: string;
}

// Russian, Kyrgyz and Kazakh cards and documents write the surname first (`Иванов Иван Иванович`, the order of
// ФИО); Chinese, Japanese (MECARD's home) and Korean do too. Latin-script names read given name first
// (`Sean Owen`, what ZXing shows for the DoCoMo example).
const FAMILY_FIRST = /[\p{Script=Cyrillic}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** The parts joined in the order the name's script writes them; undefined when every part is empty. */
export function displayName(parts: NameParts): string | undefined {
  const family = parts.family?.trim() ?? '';
  const given = parts.given?.trim() ?? '';
  const additional = parts.additional?.trim() ?? '';
  const familyFirst = FAMILY_FIRST.test(family + given);
  const ordered = familyFirst ? [family, given, additional] : [given, additional, family];
  const name = ordered.filter(Boolean).join(' ');
  return name || undefined;
}

/** A patronymic, Russian (`-вич`, `-вна`) or Kyrgyz/Kazakh/Azeri (`уулу`, `кызы`, `оглы`). */
export const PATRONYMIC = /(вич|вна|ична|инична|уулу|кызы|оглы)$/i;
// Russian, Ukrainian, Kyrgyz and Kazakh surname endings, Cyrillic and transliterated: tells `ИВАНОВ` from `РОМАШКА`.
export const SURNAME = /(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|цкий|ская|цкая|ской|их|ых|енко|ук|юк|ян|дзе|швили|ov|ev|in|ova|eva|ina|sky|skiy|skaya|enko)$/i;
const PATRONYMIC_WORD = /^(?:уулу|кызы|оглы)$/i;

/**
 * A display name back into parts (vCard `N` on export), the inverse of displayName where the name shows its order:
 * `Иванов Иван Иванович` (a patronymic last) and `Осмонов Нурлан` (a surname-shaped first word beside a given name
 * that is not) are family name first; `Айгерим Талантбек кызы` is a given name and a patronymic surname; anything
 * else is given name first, family name last.
 */
export function nameParts(name: string): Required<NameParts> {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) return { family: '', given: words[0] ?? '', additional: '' };
  const last = words[words.length - 1]!;
  if (words.length === 3 && PATRONYMIC_WORD.test(last)) return { family: `${words[1]} ${last}`, given: words[0]!, additional: '' };
  if (words.length === 3 && PATRONYMIC.test(last)) return { family: words[0]!, given: words[1]!, additional: last };
  if (words.length === 2 && FAMILY_FIRST.test(name) && SURNAME.test(words[0]!) && !SURNAME.test(last)) {
    return { family: words[0]!, given: last, additional: '' };
  }
  return { family: last, given: words[0]!, additional: words.slice(1, -1).join(' ') };
}

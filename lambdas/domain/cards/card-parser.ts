// Lines of a business card (OCR or typed) -> Card. Pure heuristics, Latin and Cyrillic, labels in English
// and Russian. Order of decisions: contact data first (phones, emails, websites: regular shapes), then the
// lines with tell-tale words (address, department, company, title), then the name among what is left.
import { emptyCard, type Card, type CardLine, type CardPhone, type PhoneType } from './card.js';
import { findPhones, inferCountry, samePhone, type CountryCode, type CountryHints } from './card-phones.js';
import { PATRONYMIC, SURNAME } from './person-name.js';

export interface ParseCardOptions extends CountryHints {
  /** Country for numbers printed without +code; inferred from the card (then the sender) when absent. */
  defaultCountry?: CountryCode;
  /** OCR lines below this confidence (0..1) are ignored: half-read lines produce wrong numbers. */
  minConfidence?: number;
}

const L = 'A-Za-zА-Яа-яЁёӨөҮүҢң';
const WORD_START = `(?<![${L}])`;
const WORD_END = `(?![${L}])`;
const words = (list: string) => new RegExp(`${WORD_START}(?:${list})${WORD_END}`, 'i');

// Phone labels, longest first so `mobile` wins over `m`. A label applies to the numbers after it.
const PHONE_LABELS: [RegExp, PhoneType][] = [
  [words('fax|факс|telefax|телефакс|ф\\.|f\\.?|ф'), 'fax'],
  [words('mob\\.?|mobile|cell|cellular|моб\\.?|мобильный|мобил\\.?|сот\\.?|сотовый|gsm|whats ?app|wa|viber|telegram|m\\.?|м\\.?|c\\.'), 'mobile'],
  [words('home|домашний|дом\\.|h\\.?'), 'home'],
  [words('tel\\.?|telephone|phone|ph\\.?|office|off\\.|work|direct|dir\\.|landline|тел\\.?|телефон|раб\\.?|рабочий|офис|t\\.?|т\\.?|p\\.?|w\\.?|d\\.?'), 'work'],
];
const PHONE_LABELS_GLOBAL: [RegExp, PhoneType][] = PHONE_LABELS.map(([re, type]) => [new RegExp(re.source, 'gi'), type]);
const EMAIL_LABEL = words('e-?mail|mail|эл\\.? ?почта|электронная почта|почта|e');
const WEB_LABEL = words('web ?site|web|site|url|сайт|веб-сайт|веб|internet|интернет');
const ADDRESS_LABEL = words('address|addr\\.?|адрес|дарек');
const NAME_LABEL = words('name|фио|имя');
const COMPANY_LABEL = words('company|компания|организация|org');
const TITLE_LABEL = words('position|title|job title|должность');
const FIELD_LABELS = (
  [
    [NAME_LABEL, 'name'],
    [TITLE_LABEL, 'title'],
    [COMPANY_LABEL, 'company'],
    [ADDRESS_LABEL, 'address'],
  ] as const
).map(([re, field]) => [new RegExp(`^${re.source}\\s*[:：]\\s*`, 'i'), field] as const);
// `Контактное лицо: Анна`: the person to ask for, with no title of their own.
const CONTACT_PERSON = /^(?:contact person|contact|ask for|контактное лицо|контакт|ответственный)$/i;
const LABELLED_LINE = /^([^:：]{2,40}?)\s*[:：]\s*(.+)$/;
// Marks OCR puts at the edge of a line from specks, a card's edge or a band's border (`_Касымалиева Жылдыз`); no
// printed field starts or ends with them, and a name with one attached is no name.
const OCR_EDGE_NOISE = /^[_~^`*\\¦\s]+|[_~^`*\\¦\s]+$/g;
const REGISTRY = words('инн|кпп|огрн|огрнип|бик|окпо|окэд|р/с|к/с|р/сч|iban|swift|bic|vat|reg\\.? no|tax id|ein');

// The lookbehind starts a match only where a run of local-part characters starts: without it every position of
// a long run without `@` rescans the rest of the run (quadratic: 8,000 dots took 28 ms, 100,000 took seconds).
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const TLDS =
  'com|net|org|ru|kg|kz|uz|by|ua|tj|am|az|ge|io|co|biz|info|de|uk|us|eu|me|app|dev|ai|su|edu|gov|tech|online|site|store|pro|travel|asia|shop|media|group|agency|digital|студия|рф|рус|com\\.kg|org\\.kg|co\\.uk|com\\.ru';
// Not after a letter: `\w` knows no Cyrillic, and a long Cyrillic word would otherwise be rescanned from each of
// its letters (quadratic).
const WEBSITE = new RegExp(
  `(?<![@\\w.а-яё-])((?:https?://)?(?:www\\.)?[a-zа-я0-9](?:[a-zа-я0-9-]*[a-zа-я0-9])?(?:\\.[a-zа-я0-9-]+)*\\.(?:[a-z]{2,24}|рф|рус)(?:/[^\\s,;]*)?)(?![\\w@-])`,
  'gi',
);
const KNOWN_TLD = new RegExp(`\\.(?:${TLDS})(?:/|$)`, 'i');
const WEBSITE_EXPLICIT = /(?:https?:\/\/|www\.)[^\s,;]+/gi;

const ADDRESS = new RegExp(
  [
    `${WORD_START}(?:ул|пр|пр-т|просп|пер|б-р|бул|ш|пл|д|кв|оф|стр|корп|мкр|обл|г|пос|мкрн|көч|р-н)\\.`,
    words('улица|проспект|переулок|бульвар|шоссе|площадь|микрорайон|область|район|офис|город|көчөсү|мкр|набережная').source,
    '^\\d{6},',
  ].join('|'),
  'i',
);
// English street words and postcodes say "address" only next to a number: `Grand Plaza Hotel` is a company.
const ADDRESS_EN = new RegExp(
  [
    words('street|avenue|ave|road|boulevard|blvd|suite|ste|floor|lane|drive|building|bldg|plaza|square|st\\.|rd\\.|p\\.?o\\.? box|unit|level|business park').source,
    '\\b\\d{5}(?:-\\d{4})?\\b(?=[^\\d]*$)',
    '\\b[A-Z]{1,2}\\d[A-Z\\d]? \\d[A-Z]{2}\\b',
  ].join('|'),
  'i',
);
const isAddressLine = (text: string) => ADDRESS.test(text) || (ADDRESS_EN.test(text) && /\d/.test(text));
const PLACES = words(
  'бишкек|bishkek|москва|moscow|санкт-петербург|алматы|almaty|астана|astana|ташкент|tashkent|кыргызстан|kyrgyzstan|россия|russia|казахстан|kazakhstan|ош|osh|каракол|новосибирск|екатеринбург|казань|london|usa|new york|berlin',
);

const DEPARTMENT = words('front office|back office|бухгалтерия|канцелярия|приемная|приёмная|отдел кадров|department|dept\\.?|division|отдел|отдела|департамент|управление|служба|дирекция|сектор|бөлүмү|бөлүм');
// Legal forms and quotes make a company line whatever else it says; the hint words only when nothing else fits.
const LEGAL = words(
  'llc|l\\.l\\.c\\.|ltd\\.?|limited|inc\\.?|incorporated|corp\\.?|corporation|gmbh|ag|jsc|pjsc|ojsc|cjsc|plc|llp|lp|s\\.a\\.|b\\.v\\.|co\\.|ооо|оао|зао|пао|ао|ип|осоо|нко|гуп|муп|ано|фгуп|тоо|гк',
);
const COMPANY_HINT = words(
  'company|group|holding|holdings|bank|компания|группа|холдинг|банк|фонд|foundation|agency|агентство|studio|студия|solutions|technologies|technology|systems|consulting|advisory|partners|associates|enterprises|industries|international|logistics|лаборатория|university|университет|institute|институт|clinic|клиника|hotel|отель|центр|center|centre|ventures|capital|motors|labs|software|media|digital|trading|торговый дом|realty|кафе|cafe|restaurant|ресторан|салон|магазин|shop|store',
);
const TITLE = words(
  '[a-z]+ologist|[а-я]+олог|предприниматель|entrepreneur|teacher|tutor|coach|instructor|guide|interpreter|translator|driver|nurse|завуч|гид|переводчик|водитель|учитель|медсестра|продавец|кассир|повар|менеджер|ceo|cto|cfo|coo|cmo|cio|chief|officer|president|vice|vp|director|manager|head|lead|engineer|developer|designer|architect|analyst|consultant|specialist|advisor|adviser|accountant|lawyer|attorney|partner|founder|co-founder|owner|executive|assistant|coordinator|administrator|representative|agent|associate|senior|junior|principal|secretary|professor|teacher|editor|producer|photographer|broker|realtor|supervisor|intern|chairman|chairwoman|officer|recruiter|strategist|programmer|scientist|researcher|technician|nurse|physician|dentist|surgeon|pharmacist|notary|auditor|economist|marketer|buyer|merchandiser|директор|генеральный|исполнительный|коммерческий|технический|финансовый|менеджер|руководитель|начальник|заместитель|зам\\.|главный|ведущий|старший|младший|специалист|инженер|бухгалтер|юрист|консультант|эксперт|аналитик|разработчик|программист|дизайнер|архитектор|администратор|координатор|представитель|агент|президент|вице-президент|председатель|основатель|соучредитель|учредитель|владелец|партн[её]р|врач|доктор|преподаватель|советник|помощник|секретарь|маркетолог|логист|нотариус|адвокат|риелтор|риэлтор|фотограф|оператор|мастер|технолог|экономист|аудитор|продюсер|редактор|журналист|тренер|директору|башчысы|адис|прораб|бригадир|сметчик|снабженец|кладовщик|электрик|электромонтажник|сварщик|монтажник|сантехник|механик|диспетчер|экспедитор|foreman|superintendent|estimator|electrician|plumber|welder',
);
// Words that make a department line a title instead ("Head of Sales Department", "Начальник отдела").
const STRONG_TITLE = words('head|manager|director|chief|lead|vp|начальник|руководитель|директор|менеджер|заместитель|специалист|главный|ведущий');

const UP = 'A-ZА-ЯЁӨҮҢ';
const LO = 'a-zа-яёөүңäöüßéèáíóúñç';
// Title Case (with O'Connor, Jean-Luc), ALL CAPS, or an initial (`A.`, `И.И.`).
const NAME_WORD = new RegExp(`^(?:[${UP}][${LO}]*(?:['’-][${UP}]?[${LO}]+)*|[${UP}][${UP}'’-]+|[${UP}]\\.(?:[${UP}]\\.)?)$`);
const NAME_PARTICLES = new Set(['van', 'von', 'de', 'der', 'den', 'da', 'di', 'du', 'la', 'le', 'bin', 'ibn', 'al', 'el', 'уулу', 'кызы', 'оглы', 'кизи', 'dr.', 'mr.', 'mrs.', 'ms.', 'prof.', 'д-р']);
// Letters after a name that are not part of it: `Rachel Green, CPA`.
const CREDENTIALS = /(?:,\s*(?:[A-Z]{2,5}|Ph\.?D\.?|M\.D\.|Esq\.?|Jr\.?|Sr\.?))+$|\s+(?:Jr\.?|Sr\.?|II|III|PhD|MBA|CPA)$/;
const CAPS_WORD = new RegExp(`^[${UP}][${UP}'’-]+$`);

interface Item {
  text: string;
  index: number;
  confidence: number;
  kind?: 'name' | 'title' | 'company' | 'department' | 'address' | 'contact';
}

/** Lines -> Card. Pure: same input, same card. */
export function parseCardLines(input: (CardLine | string)[], options: ParseCardOptions = {}): Card {
  const minConfidence = options.minConfidence ?? 0.5;
  const items: Item[] = [];
  for (const raw of input) {
    const line = typeof raw === 'string' ? { text: raw } : raw;
    // The card's confidence is 0..1: an engine's value outside it (or NaN) must not push it out of range.
    const confidence = line.confidence === undefined ? 1 : Number.isFinite(line.confidence) ? Math.min(1, Math.max(0, line.confidence)) : 0;
    if (confidence < minConfidence) continue;
    // Separators people print between fields on one line: `Anna Petrova | CEO`, `T +1… • F +1…`.
    for (const part of line.text.split(/\s*[|•·●▪◦]\s*|\t+|\s{3,}/)) {
      const text = part.replace(/\s+/g, ' ').trim().replace(OCR_EDGE_NOISE, '');
      if (text) items.push({ text, index: items.length, confidence });
    }
  }
  const country = options.defaultCountry ?? inferCountry(items.map((i) => i.text), options);
  const card = emptyCard();

  const residuals: Item[] = [];
  for (const item of items) {
    const residual = extractContacts(item, card, country);
    if (residual !== item.text) item.kind = 'contact';
    // What is left beside the contact data is kept when it could be a name or company; a lone word is
    // almost always the label (`Portfolio:`, `Регистратура:`).
    if (residual && residual !== item.text && /[A-Za-zА-Яа-яЁё]{3}/.test(residual) && /\s/.test(residual)) {
      residuals.push({ text: residual, index: item.index, confidence: item.confidence });
    }
  }
  const rest = [...items.filter((i) => !i.kind), ...residuals].sort((a, b) => a.index - b.index);

  // Explicit labels first: `Name: …`, `Должность: …`, `Адрес: …`.
  for (const item of rest) {
    for (const [label, field] of FIELD_LABELS) {
      const m = label.exec(item.text);
      if (m && item.text.length > m[0].length) {
        item.text = item.text.slice(m[0].length).trim();
        item.kind = field;
        break;
      }
    }
  }
  labelledPerson(rest);
  // `Anna Petrova, CEO` on one line: split a name from the title after a comma or dash.
  for (const item of [...rest]) {
    if (item.kind) continue;
    const m = /^(.+?)\s*(?:,|\s[-–—]\s)\s*(.+)$/.exec(item.text);
    if (m && nameScore(m[1]!) > 0 && TITLE.test(m[2]!)) {
      item.text = m[1]!;
      rest.push({ text: m[2]!, index: item.index + 0.5, confidence: item.confidence, kind: 'title' });
    }
  }
  for (const item of rest) {
    if (item.kind) continue;
    item.kind = classify(item.text);
  }
  rest.sort((a, b) => a.index - b.index);

  joinSplitName(rest);
  pickName(rest);
  pickTitleByPosition(rest);
  const first = (kind: Item['kind']) => rest.find((i) => i.kind === kind);
  const name = first('name');
  const title = first('title');
  const company = first('company') ?? pickCompany(rest, card);
  const department = first('department');
  if (name) card.name = tidyName(name.text);
  if (title) card.title = tidy(title.text);
  if (company) card.company = tidy(company.text);
  if (department) card.department = tidy(department.text);
  const address = rest.filter((i) => i.kind === 'address').map((i) => tidy(i.text));
  if (address.length) card.address = address.join(', ');

  card.confidence = confidenceOf(card, items);
  return card;
}

/** Takes phones, emails and websites out of a line into the card; returns what is left of the line. */
function extractContacts(item: Item, card: Card, country: CountryCode | undefined): string {
  let text = item.text;
  const cut = (start: number, end: number) => {
    text = text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
  };

  for (const m of text.matchAll(EMAIL)) {
    const email = m[0].toLowerCase().replace(/\.$/, '');
    if (!card.emails.includes(email)) card.emails.push(email);
    cut(m.index!, m.index! + m[0].length);
  }
  const webLabelled = WEB_LABEL.test(text);
  // Alone on its line (after a short label such as `W` or `Portfolio:`), a bare domain is a website.
  const onlyDomain = /^(?:[^\s:]{1,12}:?\s+)?[a-zа-я0-9.-]+\.[a-zа-я]{2,}(\/\S*)?$/i.test(text.trim());
  for (const re of [WEBSITE_EXPLICIT, WEBSITE]) {
    for (const m of text.matchAll(re)) {
      const site = m[0].replace(/[).,]+$/, '');
      // A bare `name.tld` counts on a web-labelled line, alone on its line, or with a common TLD.
      const bare = !/^(https?:|www\.)/i.test(site);
      if (re === WEBSITE && bare && !webLabelled && !onlyDomain && !KNOWN_TLD.test(site)) continue;
      // `ул.Ленина` and `г.Бишкек` are not domains.
      if (re === WEBSITE && bare && /[а-я]/i.test(site) && !/\.(рф|рус)(\/|$)/i.test(site)) continue;
      const normal = site.toLowerCase();
      const key = (w: string) => w.replace(/^https?:\/\//, '');
      if (!card.websites.some((w) => key(w) === key(normal))) card.websites.push(normal);
      cut(m.index!, m.index! + site.length);
    }
  }

  const isRegistry = REGISTRY.test(text);
  const hasPhoneLabel = PHONE_LABELS.some(([re]) => re.test(text));
  const isAddress = isAddressLine(text) || ADDRESS_LABEL.test(text);
  if (!isRegistry && (!isAddress || hasPhoneLabel) && (text.match(/\d/g)?.length ?? 0) >= 6) {
    const phones = findPhones(text, country);
    let from = 0;
    const lineLabel = labelType(text.slice(0, phones[0]?.start ?? 0));
    for (const p of phones) {
      const label = labelType(text.slice(from, p.start)) ?? lineLabel;
      addPhone(card, { number: p.number, type: label ?? p.type, ...(p.ext ? { ext: p.ext } : {}) });
      from = p.end;
    }
    for (const p of [...phones].reverse()) cut(p.start, p.end);
  }
  if (text === item.text) return text;
  // Strip the labels and separators that led to what was taken.
  return text
    .replace(CONTACT_LABELS, ' ')
    .replace(/[\s:;,/()+.-]+/g, ' ')
    .trim();
}

const CONTACT_LABELS = new RegExp(`(${[...PHONE_LABELS.map(([re]) => re.source), EMAIL_LABEL.source, WEB_LABEL.source].join('|')})\\s*[:.]?`, 'gi');

function labelType(text: string): PhoneType | undefined {
  // The label nearest the number wins: `Tel: …, Fax: …` types each number by what precedes it.
  let best: { at: number; type: PhoneType } | undefined;
  for (const [g, type] of PHONE_LABELS_GLOBAL) {
    for (const m of text.matchAll(g)) {
      if (!best || m.index! > best.at) best = { at: m.index!, type };
    }
  }
  return best?.type;
}

function addPhone(card: Card, phone: CardPhone): void {
  if (card.phones.some((p) => samePhone(p.number, phone.number))) return;
  card.phones.push(phone);
}

function classify(text: string): Item['kind'] {
  if (!/[A-Za-zА-Яа-яЁё]/.test(text)) return 'contact'; // stray digits or symbols: nothing to name
  if (isAddressLine(text) || (PLACES.test(text) && /\d|,/.test(text))) return 'address';
  // `Менеджер ООО «Ромашка»` is still a company line; titles rarely carry a legal form.
  if (LEGAL.test(text) || /[«"“].+[»"”]/.test(text)) return 'company';
  if (DEPARTMENT.test(text) && !STRONG_TITLE.test(text)) return 'department';
  if (TITLE.test(text) && !/\S(вич|вна|ична|уулу|кызы)\b/i.test(text)) return 'title';
  if (COMPANY_HINT.test(text)) return 'company';
  if (PLACES.test(text) && text.split(' ').length <= 3) return 'address';
  return undefined;
}

/** How much a line looks like a person's name; 0 when it cannot be one. */
export function nameScore(text: string): number {
  if (/[\d@]/.test(text) || text.length > 60) return 0;
  const tokens = text.replace(CREDENTIALS, '').replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  const core = tokens.filter((t) => !NAME_PARTICLES.has(t.toLowerCase()));
  if (core.length < 2 || core.length > 4 || tokens.length > 5) return 0;
  if (!core.every((t) => NAME_WORD.test(t))) return 0;
  if (core.filter((t) => /^[A-ZА-ЯЁӨҮҢ]\./.test(t)).length >= core.length) return 0;
  let score = 2;
  if (core.length <= 3) score += 1;
  if (tokens.some((t) => PATRONYMIC.test(t))) score += 1;
  const allCaps = core.every((t) => t === t.toUpperCase());
  if (allCaps) score -= 0.5;
  return score;
}

/**
 * `Водитель: Алексей`, `Manager: Anna Lee`, `Контактное лицо: Ольга`: a role or contact-person label, a colon, then a
 * name. The label must be all of the text before the colon (a title of up to four words, or a contact label) and
 * what follows must read as a name; a single given name is enough here, the label says it is one.
 */
function labelledPerson(rest: Item[]): void {
  if (rest.some((i) => i.kind === 'name')) return;
  for (const item of rest) {
    if (item.kind) continue;
    const m = LABELLED_LINE.exec(item.text);
    if (!m) continue;
    const label = tidy(m[1]!);
    const value = tidy(m[2]!);
    if (!isLabelledName(value)) continue;
    const contact = CONTACT_PERSON.test(label);
    const role = !contact && label.split(' ').length <= 4 && TITLE.test(label) && classify(label) === 'title';
    if (!contact && !role) continue;
    item.text = value;
    item.kind = 'name';
    if (role) rest.push({ text: label, index: item.index - 0.5, confidence: item.confidence, kind: 'title' });
    return;
  }
}

/** A name after a label: one to four name words, Title Case or capitals, and no title, company or place word. */
function isLabelledName(text: string): boolean {
  if (/[\d@]/.test(text) || classify(text) !== undefined || PLACES.test(text)) return false;
  const tokens = text.split(' ').filter((t) => !NAME_PARTICLES.has(t.toLowerCase()));
  if (tokens.length === 1) return NAME_WORD.test(tokens[0]!) && /^[^.]{2,}$/.test(tokens[0]!);
  return nameScore(text) > 0;
}

function pickName(rest: Item[]): void {
  if (rest.some((i) => i.kind === 'name')) return;
  let best: { item: Item; score: number } | undefined;
  for (const [pos, item] of rest.entries()) {
    if (item.kind) continue;
    let score = nameScore(item.text);
    if (!score) continue;
    const next = rest[pos + 1];
    const prev = rest[pos - 1];
    if (next?.kind === 'title' || prev?.kind === 'title') score += 1;
    if (pos <= 2) score += 0.5;
    if (!best || score > best.score) best = { item, score };
  }
  if (best) best.item.kind = 'name';
}

/**
 * A surname in capitals on its own line next to the given name and patronymic (`ИВАНОВ` / `Сергей Петрович`, either
 * order) is one name, kept as printed like every name the parser reads (`ИВАНОВ Сергей Петрович`). The capitals
 * word must look like a surname, or the card must already have its company: a logo word (`РОМАШКА`) above a name
 * stays the company.
 */
function joinSplitName(rest: Item[]): void {
  const hasCompany = rest.some((i) => i.kind === 'company');
  const isGivenAndPatronymic = (text: string) => {
    const words = text.split(' ');
    return words.length === 2 && PATRONYMIC.test(words[1]!) && nameScore(text) > 0;
  };
  const isSurname = (text: string) => CAPS_WORD.test(text) && (SURNAME.test(text) || hasCompany);
  for (let i = 0; i + 1 < rest.length; i++) {
    const [a, b] = [rest[i]!, rest[i + 1]!];
    if (a.kind || b.kind) continue;
    if ((isSurname(a.text) && isGivenAndPatronymic(b.text)) || (isGivenAndPatronymic(a.text) && isSurname(b.text))) {
      a.text = `${a.text} ${b.text}`;
      a.kind = 'name';
      rest.splice(i + 1, 1);
      return;
    }
  }
}

/**
 * No title word anywhere: a line right under the name that starts in lower case (`гид-переводчик`) is the title, and
 * so is a single word in capitals there when the company is already known; company names start with a capital.
 */
function pickTitleByPosition(rest: Item[]): void {
  if (rest.some((i) => i.kind === 'title')) return;
  const at = rest.findIndex((i) => i.kind === 'name');
  const next = at >= 0 ? rest[at + 1] : undefined;
  if (!next || next.kind) return;
  if (/^[a-zа-яё]/.test(next.text) || (CAPS_WORD.test(next.text) && rest.some((i) => i.kind === 'company'))) next.kind = 'title';
}

/** Without a legal form, the company is the leftover line that is neither name nor title. */
function pickCompany(rest: Item[], card: Card): Item | undefined {
  const left = rest.filter((i) => !i.kind && /[A-Za-zА-Яа-яЁё]{2}/.test(i.text) && i.text.length <= 60);
  if (!left.length) return undefined;
  // A logo word that matches the e-mail or website domain is the company.
  const domains = [...card.emails.map((e) => e.split('@')[1] ?? ''), ...card.websites].map((d) =>
    d.replace(/^(https?:\/\/)?(www\.)?/, '').split(/[./]/)[0]!.toLowerCase(),
  );
  const byDomain = left.find((i) => domains.some((d) => d.length >= 3 && i.text.toLowerCase().replace(/[^a-zа-я0-9]/g, '').includes(d)));
  const pick = byDomain ?? (left.length === 1 ? left[0] : left.find((i) => i.text === i.text.toUpperCase()) ?? left[0]);
  if (pick) pick.kind = 'company';
  return pick;
}

function tidy(text: string): string {
  return text.replace(/^[\s,;:.\-–—]+|[\s,;:\-–—]+$/g, '').replace(/\s+/g, ' ');
}

function tidyName(text: string): string {
  return tidy(text.replace(CREDENTIALS, '')).replace(/,/g, ' ').replace(/\s+/g, ' ');
}

function confidenceOf(card: Card, items: Item[]): number {
  if (!items.length) return 0;
  const mean = items.reduce((s, i) => s + i.confidence, 0) / items.length;
  const completeness = (card.name ? 0.5 : 0) + (card.phones.length || card.emails.length ? 0.5 : 0);
  return Math.round(mean * completeness * 100) / 100;
}

/**
 * QR data wins over OCR: every field the QR payload has is kept; OCR fills the gaps and adds numbers,
 * e-mails and sites the QR lacks (cards print a fax the QR leaves out), skipping OCR numbers that are one
 * or two misread digits away from a QR number.
 */
export function mergeCards(qr: Card, ocr: Card): Card {
  const merged: Card = {
    ...ocr,
    ...Object.fromEntries(Object.entries(qr).filter(([, v]) => v !== undefined && v !== '')),
    phones: [...qr.phones],
    emails: [...qr.emails],
    websites: [...qr.websites],
    confidence: Math.max(qr.confidence, ocr.confidence),
  };
  for (const p of ocr.phones) {
    if (!merged.phones.some((q) => nearlySameDigits(q.number, p.number))) merged.phones.push(p);
  }
  for (const e of ocr.emails) if (!merged.emails.some((q) => q.toLowerCase() === e.toLowerCase())) merged.emails.push(e);
  const site = (w: string) => w.toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/$/, '');
  for (const w of ocr.websites) if (!merged.websites.some((q) => site(q) === site(w))) merged.websites.push(w);
  return merged;
}

function nearlySameDigits(a: string, b: string): boolean {
  const x = a.replace(/\D/g, '');
  const y = b.replace(/\D/g, '');
  if (x.length !== y.length) return x.endsWith(y) || y.endsWith(x);
  let diff = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) diff++;
  return diff <= 2;
}

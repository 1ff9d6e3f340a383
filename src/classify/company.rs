//! The issuer of a document: the company, body or office whose policy, terms or notice it is.
//!
//! Read from what documents say about their issuer, most explicit first: the defining phrase
//! (「X（以下「当社」という。）」, `X Inc. ("we", "us")`), the naming article of articles of association
//! (「この法人は、Xと称する。」), a labelled line or table row (販売業者, 運営者, 会社名, Company name),
//! the signature at the end (医療法人X, 厚生労働省, `NumFOCUS, Inc.`), the title (a body's rules are named
//! after it: 「X町会会館使用規定」), the copyright line, a legal entity opening a sentence about the site
//! or service itself, and last what the policy speaks as when it names no entity (「X（以下「本アプリ」）は」,
//! "our various X products"). Every candidate must look like a name: no company is better than a wrong
//! one, so sentence fragments, placeholders (株式会社○○○), products and title words are refused; an app
//! is taken only when the policy defines it as the party that speaks and names no one else.

use std::sync::LazyLock;

use regex::Regex;

use super::Decided;

/// Legal forms written before or after a Japanese name, longest first so 医療法人社団 wins over 医療法人.
const FORMS_JA: &str = "医療法人社団|医療法人財団|特定非営利活動法人|地方独立行政法人|独立行政法人|国立大学法人|一般社団法人|一般財団法人|公益社団法人|公益財団法人|社会福祉法人|社会保険労務士法人|行政書士法人|司法書士法人|弁護士法人|税理士法人|監査法人|医療法人|学校法人|宗教法人|NPO法人|株式会社|有限会社|合同会社|合資会社|合名会社|協同組合|\\(株\\)|\\(有\\)|㈱|㈲";

/// Legal forms after a Latin name.
const FORMS_EN: &str = r"(?:,?\s+(?:Inc\.?|Incorporated|LLC|L\.L\.C\.|Ltd\.?|Limited|Co\.,?\s*Ltd\.?|Corporation|Corp\.?|K\.K\.|GmbH|B\.V\.|S\.A\.|AG|PLC|plc|LLP|L\.P\.|LP|Pty\.?\s+Ltd\.?|SE|SAS|S\.r\.l\.))";

/// How a Japanese document refers to its issuer after defining it: 当社, 弊社, 当法人, 本会, 運営会社 ….
const REFERENTS_JA: &str = "当社グループ|当社|弊社グループ|弊社|当グループ|弊グループ|当法人|本法人|当団体|本団体|当事務所|弊事務所|当協会|本協会|当財団|本財団|当機構|本機構|当組合|本組合|当学会|本学会|当研究会|本研究会|当病院|当クリニック|当医院|当院|本院|当センター|本センター|当店|弊店|当行|当校|本校|本学|当大学|当園|当館|当所|本所|当局|当省|当庁|当会|本会|当事業者|運営会社|運営者|当方|当職";

/// Names of the line or table cell that states the issuer (`販売業者`, `Company name`).
const LABELS: &str = "販売事業者|販売業者|事業者の名称|事業者名称|事業者名|事業者|運営事業者|運営会社|運営団体|運営主体|運営者|運営元|提供会社|提供者|配信会社|発行者|開設者|設置者|会社名|商号|社名|法人名|団体名|名称|Company\\s*name|Company|Seller|Operator|Business\\s*name|Legal\\s*name|Name\\s*of\\s*(?:the\\s*)?(?:company|business|operator)";

/// Endings of a body's name that carries no legal form (葛西記念財団, 大和田町会, 山口県, 厚生労働省).
const BODIES: &str = "財団|協会|機構|組合|学会|研究会|委員会|連盟|連合会|町会|自治会|会議所|病院|医院|クリニック|大学|学校|高専|事務所|センター|商店|本舗|省|庁|県|府|都|市|区|町|村";

/// Characters that end a name in running Japanese text.
const STOP: &str = r"\s、。，,「」『』（）()：:・／/|｜\[\]【】<>＜＞";

static DEFINED_JA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"[（(]\s*以下\s*[、,]?[^）)「『“]{{0,12}}?[「『“]?\s*(?:{REFERENTS_JA})\s*(?:[」』”]|と|[）)])"
    ))
    .unwrap()
});
static SUFFIX_FORM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"([^{STOP}]+)\s?(?:{FORMS_JA})$")).unwrap());
static PREFIX_FORM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?:{FORMS_JA})\s?[^{STOP}]+$")).unwrap());
static ANY_FORM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:{FORMS_JA})|[A-Za-z0-9]{FORMS_EN}(?:$|[\s,.)])"
    ))
    .unwrap()
});
static BODY: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"(?:{BODIES})$")).unwrap());
static TRAILING_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"[^{STOP}]+$")).unwrap());

/// 「この法人は、Xと称する。」「団体の名称は、Xという。」 in articles of association.
static NAMED_JA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:(?:この|当|本)(?:法人|会|団体|組合|協会|財団|機構|研究会|学会)(?:の名称)?|(?:団体|法人|本会|当会)の名称)は、?\s*([^{STOP}]{{2,40}}?)\s*(?:と称する|と称し|という|とする|と称します|といいます)"
    ))
    .unwrap()
});

/// `X Inc. ("we", "us")`, `X (hereinafter referred to as "the Company")`: the text before the bracket.
static DEFINED_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\(\s*(?:hereinafter|collectively|together|jointly|also)?[^)]{0,40}?(?:["“”'‘’]\s*(?:we|us|our|the company|company|the group|the operator)\b|\bthe (?:company|group)\b)"#)
        .unwrap()
});
/// `"we", "us" … refer to X`, `we are referring to X`.
static REFERS_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)["“”](?:we|us|our)[,.]?["“”][^.]{0,80}?\b(?:refers?|are referring|is referring)\s+to\s+(.*)"#)
        .unwrap()
});
/// `At X, we …`: how many English policies introduce their issuer.
static AT_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[.!]\s+)At\s+([A-Z][\w&'.\-]*(?:\s+[A-Z0-9][\w&'.\-]*){0,4}),\s+(?:we|our)\b")
        .unwrap()
});
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:{LABELS})(?:\s+[A-Za-z][A-Za-z ]{{0,20}})?(?:\s*[:：|｜\t]\s*(.*))?$"
    ))
    .unwrap()
});
/// `© 2026 X`, `Copyright (c) 2021, X. All rights reserved.`: a notice, not the word in a sentence.
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:©|\(c\)|copyright\s*(?:©|\(c\))?\s*\d{4})\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?(?:[-–]\s*\d{4}\s*,?\s*)?([^.|｜©]+?)\s*(?:\.|all rights|$)")
        .unwrap()
});
/// A label run straight into its value, as a table row whose cells lost their border
/// (`販売業者クラブン株式会社`).
static LABEL_RUN_ON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^(?:{LABELS})\s*(.{{2,40}})$")).unwrap());
/// 「BIPROGY 株式会社およびすべてのコントリビューターは、本サイトの…」: a legal entity opening a sentence
/// about the document's own site, service or terms; a partner named in passing speaks of its own.
static SUBJECT_JA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:^|。)\s*((?:{FORMS_JA})\s?[^{STOP}]{{1,30}}?|[^{STOP}]{{1,30}}?\s?(?:{FORMS_JA}))\s*(?:(?:および|及び|並びに|と)[^、。]{{0,20}}?)?は、[^。]{{0,40}}?本(?:サイト|サービス|規約|利用規約|アプリ|ソフトウェア|契約|ポリシー|プログラム)"
    ))
    .unwrap()
});
/// 「デリログ（以下「本アプリ」といいます）は、」: a policy that speaks as its app or site.
static SPEAKER_JA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^([^{STOP}]{{2,30}})\s*[（(]\s*以下\s*[、,]?\s*[「『]?\s*(?:本|当)(?:アプリ|アプリケーション|サービス|サイト|ウェブサイト|webサイト|Webサイト)\s*[」』]?[^）)]{{0,12}}[）)]\s*(?:は|では)"
    ))
    .unwrap()
});
/// "our various Automattic products": the brand a document calls its own.
static OUR_BRAND_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[Oo]ur\s+(?:various\s+|other\s+|family\s+of\s+)?([A-Z][\w&'.\-]*(?:\s+[A-Z][\w&'.\-]*){0,2})\s+(?:products|brands|companies|family\s+of)\b")
        .unwrap()
});
/// 「日本ワイワム（宗教法人 世界青年宣教会）は、」: a name glossed with its legal entity, as a subject.
static GLOSSED_JA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^([^{STOP}]{{2,30}})\s*[（(]\s*((?:{FORMS_JA})\s?[^）)]{{1,30}})[）)]\s*(?:は|が)"
    ))
    .unwrap()
});
/// 「Uniant とお客様（以下、ユーザー…）とは」: the party a licence or contract is made with its customer by.
static PARTY_JA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^([^{STOP}]{{2,30}})\s*と\s*(?:お客様|お客さま|ユーザー|利用者|会員|購入者|契約者)\s*[（(]\s*以下")).unwrap()
});
/// `37signals LLC … (together, "37signals")`, `Foo, Inc. ("Foo")`: the short name defined for an entity.
static SHORT_NAME_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\(\s*(?:[a-z]+,?\s+)?["“]([A-Z0-9][\w&.\-]*(?:\s[A-Z0-9][\w&.\-]*){0,3})["”]\s*\)"#,
    )
    .unwrap()
});
/// A line that is one name and perhaps its representative (`株式会社X 代表取締役 Y`).
static REPRESENTATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\s*(?:代表取締役|代表理事|代表者|理事長|院長|代表|会長|学長|所長|CEO)(?:社長)?\s*\S*$",
    )
    .unwrap()
});
static TITLE_JA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.{1,40}?)\s*(?:の)?(?:プライバシーポリシー|プライバシー・ポリシー|個人情報保護方針|個人情報の取扱いについて|個人情報の取り扱いについて|利用規約|会員規約|定款)$").unwrap()
});
static TITLE_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.{1,40}?)[’']?s?\s+(?:(?:General|Global|Online|Website|Web Site|Customer|Consumer|Mobile|Combined|Updated)\s+)*(?:Privacy (?:Policy|Statement|Notice)|Terms of (?:Service|Use)|Terms and Conditions|Cookies?(?: Policy| Notice| Statement)?)$").unwrap()
});

/// Words that make a candidate a title, a product or a sentence rather than a name.
const NOT_NAMES: [&str; 31] = [
    "規約",
    "ポリシー",
    "方針",
    "プライバシー",
    "サービス",
    "サイト",
    "アプリ",
    "個人情報",
    "ウェブ",
    "ホームページ",
    "お客様",
    "ユーザー",
    "利用者",
    "会員",
    "本人",
    "当社",
    "弊社",
    "について",
    "において",
    "Privacy",
    "Policy",
    "Terms",
    "Agreement",
    "Welcome",
    "Statement",
    "Notice",
    "User",
    "Service",
    "Website",
    "Cookie",
    "Full",
];

/// `candidate` as an issuer's name, or `None` if it is not one (see the module's note).
fn name(candidate: &str) -> Option<String> {
    let s = candidate
        .trim()
        .trim_matches(|c: char| {
            c.is_whitespace() || "「」『』\"“”'‘’*_()（）[]【】,、:：.|｜-".contains(c)
        })
        .trim();
    // An English legal form keeps its full stop (`Inc.`), which the trim above took.
    let s = if candidate.trim_end().ends_with('.') && ANY_FORM.is_match(&format!("{s}.")) {
        format!("{s}.")
    } else {
        s.to_string()
    };
    let chars = s.chars().count();
    let letters = s.chars().filter(|c| c.is_alphanumeric()).count();
    let placeholder = s
        .chars()
        .filter(|c| "○◯●〇×＊*？?…ＯＸ".contains(*c))
        .count()
        >= 2
        || ["OOO", "XXX", "xxx", "ooo", "△△"]
            .iter()
            .any(|p| s.contains(p));
    let sentence = [
        "。", "です", "ます", "する", "こと", " is ", " are ", " the ",
    ]
    .iter()
    .any(|w| s.contains(w));
    let title_word = NOT_NAMES
        .iter()
        .any(|w| s.to_lowercase().contains(&w.to_lowercase()));
    let fragment = s.contains(['「', '」', '『', '』', '"', '“', '”'])
        || s.ends_with(['で', 'の', 'に', 'は', 'が', 'を', 'と', 'へ', 'も'])
        || s.starts_with(|c: char| c.is_ascii_lowercase());
    let generic = matches!(
        s.as_str(),
        "Company"
            | "The Company"
            | "Group"
            | "Operator"
            | "We"
            | "Our"
            | "Us"
            | "The"
            | "Home"
            | "Top"
            | "ホーム"
            | "トップ"
    ) || s.starts_with(['当', '本', '弊']);
    static ONLY_A_FORM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!("^(?:{FORMS_JA})$")).unwrap());
    let only_a_form = ONLY_A_FORM.is_match(s.trim());
    let looks_like_a_name = (2..=40).contains(&chars)
        && !only_a_form
        && letters * 2 >= chars
        && !placeholder
        && !sentence
        && !title_word
        && !generic
        && !fragment
        && !s.contains("http")
        && !s.contains('@');
    looks_like_a_name.then_some(s)
}

/// The name ending `before` (the text before 「（以下「当社」」): the legal entity it ends with, else its
/// last run of name characters.
fn name_before(before: &str) -> Option<String> {
    let before = before.trim_end();
    if let Some(c) = SUFFIX_FORM.captures(before) {
        // 「本規約はエックスサーバー株式会社」: a name does not run on from a sentence's subject, nor
        // from the entity before it (「A株式会社及びB株式会社（以下2社を…）」 names B last).
        let run = &c[1];
        let particle = run
            .char_indices()
            .filter(|(i, ch)| *i > 0 && matches!(ch, 'は' | 'が' | 'を'))
            .map(|(i, ch)| i + ch.len_utf8());
        let conjunction = ["及び", "並びに", "および"]
            .iter()
            .flat_map(|w| run.match_indices(w).map(|(i, w)| i + w.len()));
        let start = particle.chain(conjunction).max().unwrap_or(0);
        let whole = c.get(0).expect("match");
        return name(&before[whole.start() + start..]);
    }
    if let Some(m) = PREFIX_FORM.find(before) {
        // The last legal form begins the name: 「A株式会社及び株式会社B」 names B.
        static FORM: LazyLock<Regex> = LazyLock::new(|| Regex::new(FORMS_JA).unwrap());
        let run = m.as_str();
        let last = FORM.find_iter(run).map(|f| f.start()).last().unwrap_or(0);
        return name(&run[last..]);
    }
    if before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '.') {
        return latin_name_before(before);
    }
    name(TRAILING_RUN.find(before)?.as_str())
}

/// The capitalised words ending `before` (`… by Youth With A Mission Japan`), with a legal form.
fn latin_name_before(before: &str) -> Option<String> {
    let words: Vec<&str> = before.split_whitespace().collect();
    let mut start = words.len();
    while start > 0 {
        let w = words[start - 1];
        let capital = w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
        let joiner = matches!(w, "of" | "and" | "&" | "de" | "for" | "the")
            && start >= 2
            && words[start - 2].starts_with(|c: char| c.is_uppercase());
        if !(capital || joiner) || w.ends_with([':', ';']) {
            break;
        }
        start -= 1;
    }
    while start < words.len()
        && matches!(
            words[start],
            "The" | "This" | "These" | "Our" | "Welcome" | "At" | "By" | "Hello" | "Hi"
        )
    {
        start += 1;
    }
    (start < words.len()).then(|| name(&words[start..].join(" ")))?
}

/// The capitalised words opening `after` (`37signals LLC. We spun off …`).
fn latin_name_after(after: &str) -> Option<String> {
    let after = after.trim_start_matches(['[', ' ', '*']);
    let mut end = 0;
    let mut taken = Vec::new();
    for w in after.split_whitespace().take(8) {
        let bare = w.trim_end_matches([',', '.', ']', ')', ';', ':', '*']);
        let capital = w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
        if !(capital || !taken.is_empty() && matches!(w, "of" | "and" | "&")) {
            break;
        }
        taken.push(w);
        end += 1;
        if bare.len() != w.len() && !ANY_FORM.is_match(&taken.join(" ")) {
            // `GitHub, Inc.` goes on past its comma; any other punctuation ends the name.
            if !w.ends_with(',') {
                break;
            }
        }
    }
    let mut text = taken[..end].join(" ");
    text = text
        .split(['[', ']', '(', ')'])
        .find(|p| !p.trim().is_empty())?
        .to_string();
    name(text.trim_end_matches([',', ';', ':']))
}

/// Sources of the issuer, most explicit first; the first found of the best kind wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Defined,
    Named,
    Labelled,
    Signature,
    Title,
    Copyright,
    /// A legal entity that is the subject of a sentence about the site or service itself.
    Subject,
    /// What the policy speaks as when it names no entity: its app or site, or the brand of "our X products".
    Speaker,
}

/// Gathers issuer candidates one line at a time.
#[derive(Debug, Default)]
pub struct IssuerReader {
    best: Option<(Source, Decided<String>)>,
    /// A label line with its value on the next line (`販売業者` / `クラブン株式会社`).
    label_pending: bool,
    /// The last line that is one legal entity's name, and how many lines came before it.
    signature: Option<(usize, Decided<String>)>,
    lines: usize,
}

impl IssuerReader {
    fn offer(&mut self, source: Source, value: Option<String>, cue: impl FnOnce() -> String) {
        if let Some(value) = value
            && self.best.as_ref().is_none_or(|(s, _)| source < *s)
        {
            self.best = Some((source, Decided { value, cue: cue() }));
        }
    }

    /// Takes in one line of NFKC-normalised text.
    pub fn read_line(&mut self, line: &str) {
        self.lines += 1;
        let line = strip_markup(line);
        let line = line.trim();
        if line.is_empty() {
            return;
        }
        if std::mem::take(&mut self.label_pending) {
            self.offer(Source::Labelled, entity_or_name(line), || {
                format!("labelled line 「{line}」")
            });
        }
        if self
            .best
            .as_ref()
            .is_some_and(|(s, _)| *s == Source::Defined)
        {
            return;
        }
        for m in DEFINED_JA.find_iter(line) {
            let before = &line[..m.start()];
            let start = crate::text::floor_boundary(before, before.len().saturating_sub(120));
            self.offer(Source::Defined, name_before(&before[start..]), || {
                format!("「{}{}」", &before[start..].trim_start(), m.as_str())
            });
        }
        for m in DEFINED_EN.find_iter(line) {
            let before = &line[..m.start()];
            self.offer(Source::Defined, latin_name_before(before), || {
                format!("“{}{}”", tail(before, 60), m.as_str())
            });
        }
        if let Some(c) = REFERS_EN.captures(line) {
            self.offer(Source::Defined, latin_name_after(&c[1]), || {
                format!("“{}”", tail(&c[0], 100))
            });
        }
        if let Some(c) = AT_EN.captures(line) {
            self.offer(Source::Defined, latin_name_before(&c[1]), || {
                format!("“{}”", c[0].trim())
            });
        }
        if let Some(c) = SHORT_NAME_EN.captures(line) {
            let short = c.get(1).expect("group");
            let before = &line[..c.get(0).expect("match").start()];
            let entity = Regex::new(&format!(r"{}{FORMS_EN}", regex::escape(short.as_str())))
                .ok()
                .and_then(|r| r.find_iter(before).last());
            if let Some(entity) = entity {
                self.offer(Source::Defined, name(entity.as_str()), || {
                    format!("“{} … {}”", entity.as_str(), &c[0])
                });
            }
        }
        if let Some(c) = PARTY_JA.captures(line) {
            self.offer(Source::Named, entity_or_name(&c[1]), || {
                format!("「{}」", &c[0])
            });
        }
        if let Some(c) = GLOSSED_JA.captures(line) {
            self.offer(Source::Named, name(&c[1]), || format!("「{}」", &c[0]));
        }
        if let Some(c) = NAMED_JA.captures(line) {
            self.offer(Source::Named, entity_or_name(&c[1]), || {
                format!("「{}」", &c[0])
            });
        }
        let cells = cells(line);
        let label_line = cells.first().and_then(|first| {
            let rest = if cells.len() > 1 {
                Some(cells[1..].join(" "))
            } else {
                None
            };
            let first = first
                .trim_start_matches(|c: char| c.is_ascii_digit() || "【】[]().．、 ".contains(c));
            let c = LABELLED.captures(first)?;
            Some(c.get(1).map(|m| m.as_str().to_string()).or(rest))
        });
        match label_line {
            Some(Some(value)) if !value.trim().is_empty() => {
                self.offer(Source::Labelled, entity_or_name(&value), || {
                    format!("labelled line 「{line}」")
                });
            }
            Some(_) => self.label_pending = true,
            None => {
                if let Some(c) = LABEL_RUN_ON.captures(line) {
                    let value = c[1].trim();
                    if ANY_FORM.is_match(value) || BODY.is_match(value) {
                        self.offer(Source::Labelled, entity_or_name(value), || {
                            format!("labelled line 「{line}」")
                        });
                    }
                }
            }
        }
        let signature = REPRESENTATIVE.replace(line, "");
        if (ANY_FORM.is_match(&signature) || is_government(&signature))
            && let Some(value) = standalone_entity(&signature)
        {
            let cue = format!("signature 「{line}」");
            self.signature = Some((self.lines, Decided { value, cue }));
        }
        if let Some(c) = COPYRIGHT.captures(line) {
            let value = entity_or_name(&c[1]);
            self.offer(Source::Copyright, value, || format!("copyright 「{line}」"));
        }
        if let Some(c) = SUBJECT_JA.captures(line) {
            self.offer(Source::Subject, entity_or_name(&c[1]), || {
                format!("subject 「{}」", &c[0])
            });
        }
        if let Some(c) = SPEAKER_JA.captures(line) {
            self.offer(Source::Speaker, name(&c[1]), || {
                format!("speaker 「{}」", &c[0])
            });
        }
        if let Some(c) = OUR_BRAND_EN.captures(line) {
            self.offer(Source::Speaker, name(&c[1]), || {
                format!("brand “{}”", &c[0])
            });
        }
    }

    /// The issuer, given the document's title or, when it has none, its first lines.
    pub fn finish(mut self, titles: &[String]) -> Option<Decided<String>> {
        // A signature stands at the end: an entity named alone early on is more likely a partner's.
        if let Some((at, decided)) = self.signature.take()
            && at * 10 >= self.lines * 6
        {
            self.offer(Source::Signature, Some(decided.value), || decided.cue);
        }
        for title in titles {
            let title = strip_markup(title);
            self.offer(Source::Title, title_name(&title), || {
                format!("title 「{title}」")
            });
        }
        self.best.map(|(_, d)| d)
    }
}

/// The issuer a title names: `X プライバシーポリシー`, `X Privacy Policy`, or the part of
/// `個人情報保護方針｜葛西記念財団` that is a body's name.
fn title_name(title: &str) -> Option<String> {
    let title = title.replace(" - ", "|");
    let parts: Vec<&str> = title
        .split(['|', '｜', '/', '／', '–', '—', ':', '：'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    for part in &parts {
        if let Some(c) = TITLE_JA.captures(part).or_else(|| TITLE_EN.captures(part))
            && let Some(n) = entity_or_name(c[1].trim_end_matches('の'))
        {
            return Some(n);
        }
    }
    // 「大和田町会会館運営使用規定」: a body's rules named after it.
    if let Some(n) = parts
        .iter()
        .find_map(|p| BODY_TITLE.captures(p).and_then(|c| name(&c[1])))
    {
        return Some(n);
    }
    // `個人情報保護方針｜葛西記念財団`, `… ライセンス契約 - Uniant`: beside the document's name, the site's.
    let names_document = |p: &str| DOCUMENT_WORDS.is_match(p);
    if parts.len() > 1 && parts.iter().any(|p| names_document(p)) {
        return parts.iter().filter(|p| !names_document(p)).find_map(|p| {
            let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
            standalone_entity(&p)
        });
    }
    None
}

/// A title that is a body's name, perhaps a facility of it, and a kind of rules (`X町会会館使用規定`).
static BODY_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^([^{STOP}]{{1,20}}(?:{BODIES}))[^{STOP}]{{0,12}}?(?:規定|規程|規約|会則|定款|細則|要綱|方針|ポリシー)$"
    ))
    .unwrap()
});

/// Words that make a title part the document's own name rather than its issuer's.
static DOCUMENT_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)規約|規程|規定|契約|ポリシー|方針|定款|会則|表示|表記|について|policy|terms|notice|statement|agreement|license|cookies?").unwrap()
});

/// A line that is nothing but an entity's name (`医療法人社団心優会`, `NumFOCUS, Inc.`,
/// `山口県健康福祉部医療政策課 医療対策班`).
fn standalone_entity(line: &str) -> Option<String> {
    let line = line.trim();
    if line.chars().count() > 40 || line.contains(['。', '、', '，']) {
        return None;
    }
    if is_government(line) {
        return name(line.split_whitespace().next()?);
    }
    entity_or_name(line)
}

/// 県, 省, 市 … and the departments under them.
fn is_government(line: &str) -> bool {
    static GOVERNMENT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\S{1,6}?(?:省|庁|県|府|都|道|市|区|町|村)(?:\S{1,12}(?:部|局|課|室|班|センター))*(?:\s+\S{1,12}(?:部|局|課|室|班))?$").unwrap()
    });
    GOVERNMENT.is_match(line.trim()) && !line.contains("都道府県")
}

/// The legal entity a value names (`よろずや本舗合同会社 Yorozuya Hompo LLC` → the Japanese one), or the
/// value as a name.
fn entity_or_name(value: &str) -> Option<String> {
    let value = value.trim();
    // Two scripts side by side are a name and its translation: the first is the name.
    static JAPANESE_ENTITY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"^[^A-Za-z]*?(?:{FORMS_JA})[^A-Za-z]*?(?:\s|$)")).unwrap()
    });
    if let Some(m) = JAPANESE_ENTITY.find(value) {
        let first = m.as_str().trim();
        if let Some(c) = SUFFIX_FORM.find(first).or_else(|| PREFIX_FORM.find(first)) {
            return name(c.as_str());
        }
    }
    name(value.split("（").next().unwrap_or(value)).or_else(|| name(value))
}

/// A line's table cells: `| a | b |`, tab-separated, or a row as the reader lays it out,
/// `header: cell / header: cell` (the headers dropped).
fn cells(line: &str) -> Vec<&str> {
    let parts: Vec<&str> = line.split(" / ").collect();
    let parts: Vec<&str> = if parts.len() > 1 && parts.iter().all(|p| p.contains(": ")) {
        parts
            .iter()
            .map(|p| p.split_once(": ").map_or(*p, |(_, value)| value))
            .collect()
    } else {
        vec![line]
    };
    parts
        .iter()
        .flat_map(|p| p.split(['|', '｜', '\t']))
        .map(|c| {
            c.trim()
                .trim_matches(['*', '■', '□', '●', '◆', '・'])
                .trim()
        })
        .filter(|c| !c.is_empty())
        .collect()
}

fn strip_markup(line: &str) -> String {
    static TAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<[^>]*>|\]\([^)]*\)|\{[^}]*\}").unwrap());
    TAG.replace_all(line, " ")
        .replace(['[', ']'], "")
        .replace("**", "")
}

fn tail(text: &str, chars: usize) -> &str {
    let skip = text.chars().count().saturating_sub(chars);
    text.char_indices()
        .nth(skip)
        .map_or(text, |(i, _)| &text[i..])
}

/// A company name without its legal form (株式会社Live2D → Live2D, Live2D Inc. → Live2D).
pub fn bare_company(name: &str) -> String {
    let mut s = name
        .trim()
        .trim_matches(['「', '」', '"', '“', '”'])
        .to_string();
    for form in [
        "株式会社",
        "有限会社",
        "合同会社",
        "一般社団法人",
        "(株)",
        "㈱",
        "（株）",
    ] {
        s = s
            .trim_start_matches(form)
            .trim_end_matches(form)
            .to_string();
    }
    for form in [
        ", Inc.",
        " Inc.",
        " Co., Ltd.",
        " Co.,Ltd.",
        " Ltd.",
        " LLC",
        " Corporation",
        " Corp.",
        " K.K.",
        " GmbH",
        " Limited",
    ] {
        let with_stop = format!("{form}.");
        if let Some(stripped) = s.strip_suffix(form).or_else(|| s.strip_suffix(&with_stop)) {
            s = stripped.trim_end_matches(',').to_string();
        }
    }
    s.trim().to_string()
}

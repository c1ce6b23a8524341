//! The page's words in English and Korean. Every text a control shows comes from `t`, so a
//! language switch changes all of it; kubectl's own output stays as kubectl prints it.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    /// The language for a browser's preference list (`navigator.languages`).
    pub fn from_browser(langs: &[String]) -> Lang {
        for l in langs {
            let l = l.to_ascii_lowercase();
            if l.starts_with("ko") {
                return Lang::Ko;
            }
            if l.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::En
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    pub fn from_code(c: &str) -> Option<Lang> {
        match c {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }
}

/// (key, English, Korean).
const WORDS: &[(&str, &str, &str)] = &[
    ("title", "Kubelab", "Kubelab"),
    ("tagline", "a Kubernetes lab in your browser", "브라우저 속 쿠버네티스 실습실"),
    ("editor", "Editor", "편집기"),
    ("terminal", "Terminal", "터미널"),
    ("diagram", "Cluster", "클러스터"),
    ("timeline", "Timeline", "타임라인"),
    ("events", "Events", "이벤트"),
    ("apply", "Apply", "적용"),
    ("new_file", "New file", "새 파일"),
    ("file_name", "File name", "파일 이름"),
    ("add", "Add", "추가"),
    ("no_problems", "No problems found", "문제 없음"),
    ("play", "Play", "재생"),
    ("open_in_kubelab", "Open in Kubelab", "Kubelab에서 열기"),
    ("copy_embed", "Copy embed code", "임베드 코드 복사"),
    ("pause", "Pause", "일시정지"),
    ("speed", "Speed", "속도"),
    ("step", "Next event", "다음 이벤트"),
    ("clock", "Cluster clock", "클러스터 시계"),
    ("scrub", "Move through time", "시간 이동"),
    ("reset", "Reset", "초기화"),
    (
        "reset_confirm",
        "Start over? Files, terminal history and the cluster will be cleared.",
        "처음부터 다시 할까요? 파일, 터미널 기록, 클러스터가 지워집니다.",
    ),
    ("yes", "Yes, reset", "예, 초기화"),
    ("no", "Cancel", "취소"),
    ("compare", "Deployment beside StatefulSet", "디플로이먼트와 스테이트풀셋 비교"),
    ("language", "한국어", "English"),
    ("language_label", "Switch language", "언어 바꾸기"),
    ("panes", "Panes", "창"),
    ("close", "Close", "닫기"),
    ("object_yaml", "Object as the cluster holds it", "클러스터가 가진 객체"),
    ("unscheduled", "Not scheduled", "스케줄 대기"),
    ("services", "Services and DNS", "서비스와 DNS"),
    ("volumes", "Volumes without a claim", "클레임 없는 볼륨"),
    ("more_records", "… and {n} more records", "… 외 레코드 {n}개"),
    ("no_events", "No events yet", "아직 이벤트 없음"),
    (
        "storage_off",
        "This browser does not let the page save: your work lasts until the tab closes.",
        "이 브라우저는 저장을 허용하지 않습니다. 탭을 닫으면 작업이 사라집니다.",
    ),
    (
        "storage_corrupt",
        "The saved lab could not be read, so a fresh one was started.",
        "저장된 실습을 읽을 수 없어 새로 시작했습니다.",
    ),
    (
        "storage_full",
        "Storage is full: the latest changes are not saved.",
        "저장 공간이 가득 차 최근 변경을 저장하지 못했습니다.",
    ),
    ("terminal_n", "Terminal", "터미널"),
    ("input_label", "Command line", "명령 줄"),
    ("editor_label", "YAML file", "YAML 파일"),
    ("owner", "owner", "소유자"),
    ("lessons", "Lessons", "레슨"),
    ("lesson_panel", "Lesson", "레슨"),
    ("lesson_list", "All lessons", "레슨 목록"),
    ("playground", "Free playground", "자유 실습"),
    ("steps_done", "{d} of {n} steps done", "{n}단계 중 {d}단계 완료"),
    ("step_of", "Step {s} of {n}", "{n}단계 중 {s}단계"),
    ("run", "Run", "실행"),
    ("check", "Check", "확인"),
    ("save_lesson", "Save as lesson", "레슨으로 저장"),
    ("goal", "Where this step ends", "이 단계를 마치면"),
    (
        "save_lesson_title",
        "A lesson drafted from the lines typed so far, as kubelab lesson new drafts it",
        "지금까지 입력한 줄로 만든 레슨 초안 (kubelab lesson new와 같습니다)",
    ),
    ("check_waits", "check {n}: shown once it holds, or after Run", "확인 {n}: 맞게 되거나 실행한 뒤에 보입니다"),
    ("next", "Next", "다음"),
    ("hint", "Hint", "힌트"),
    ("restart", "Restart", "다시 시작"),
    ("predict", "Predict first", "먼저 예상해 보세요"),
    ("right", "Right.", "맞습니다."),
    ("not_quite", "Not quite.", "아닙니다."),
    ("step_done", "Done: this step's checks hold.", "완료: 이 단계의 확인 조건이 모두 맞습니다."),
    (
        "step_waiting",
        "Not yet: the step is done when every check holds.",
        "아직입니다: 확인 조건이 모두 맞으면 단계가 끝납니다.",
    ),
    ("lesson_done", "Lesson complete.", "레슨을 마쳤습니다."),
    ("loading", "Loading the lesson…", "레슨을 불러오는 중…"),
    (
        "lesson_error",
        "The lesson could not be opened; the lab goes on as it was.",
        "레슨을 열 수 없습니다. 실습실은 그대로 쓸 수 있습니다.",
    ),
    (
        "fetch_failed",
        "the server did not answer, or does not let this page read the file (CORS)",
        "서버가 응답하지 않거나, 이 페이지가 파일을 읽도록 허용하지 않습니다 (CORS)",
    ),
    ("share", "Share", "공유"),
    ("share_link", "Link to this lab", "이 실습의 링크"),
    ("share_copied", "Link copied.", "링크를 복사했습니다."),
    (
        "share_copy_blocked",
        "The browser did not let the page copy: copy the link from the field.",
        "브라우저가 복사를 허용하지 않았습니다. 칸에서 링크를 복사하세요.",
    ),
    (
        "share_held",
        "This lab came from a link. Your own saved lab is kept until you choose.",
        "링크로 연 실습입니다. 고르기 전까지 저장된 내 실습은 그대로 둡니다.",
    ),
    (
        "share_unsupported",
        "This browser cannot make or read share links (it lacks CompressionStream).",
        "이 브라우저는 공유 링크를 만들거나 읽을 수 없습니다 (CompressionStream 없음).",
    ),
    (
        "share_too_large",
        "This lab is too large for a link (at most 1,000 lines, a day of cluster time, 64 KB of link).",
        "이 실습은 링크에 담기에 너무 큽니다 (최대 1,000줄, 클러스터 시간 하루, 링크 64KB).",
    ),
    ("share_keep", "Keep this lab (replaces my saved lab)", "이 실습 유지 (저장된 내 실습을 바꿈)"),
    ("share_back", "Back to my lab", "내 실습으로 돌아가기"),
    (
        "link_too_large",
        "The link is too large to open, so the default lab was opened.",
        "링크가 너무 커서 열 수 없어 기본 실습을 열었습니다.",
    ),
    (
        "link_truncated",
        "The link is cut short (part of it is missing), so the default lab was opened.",
        "링크가 잘려 있어(일부가 빠짐) 기본 실습을 열었습니다.",
    ),
    (
        "link_version",
        "The link was made by another version of Kubelab, so the default lab was opened.",
        "다른 버전의 Kubelab이 만든 링크라서 기본 실습을 열었습니다.",
    ),
    (
        "link_malformed",
        "The link is damaged and cannot be read, so the default lab was opened.",
        "링크가 손상되어 읽을 수 없어 기본 실습을 열었습니다.",
    ),
    (
        "link_limits",
        "The lab in the link is past the lab's limits, so the default lab was opened.",
        "링크의 실습이 실습실의 한도를 넘어 기본 실습을 열었습니다.",
    ),
];

/// Whether `key` has words.
pub fn has(key: &str) -> bool {
    WORDS.iter().any(|(k, _, _)| *k == key)
}

/// The word for `key`; the key itself when there is none (a missing word shows, never panics).
pub fn t(lang: Lang, key: &str) -> &'static str {
    match WORDS.iter().find(|(k, _, _)| *k == key) {
        Some((_, en, ko)) => match lang {
            Lang::En => en,
            Lang::Ko => ko,
        },
        None => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_both_languages_and_keys_are_unique() {
        for (i, (k, en, ko)) in WORDS.iter().enumerate() {
            assert!(!en.is_empty() && !ko.is_empty(), "{k}");
            assert!(!WORDS[..i].iter().any(|(k2, _, _)| k2 == k), "duplicate {k}");
        }
        assert_eq!(t(Lang::Ko, "apply"), "적용");
        assert_eq!(Lang::from_browser(&["ko-KR".into(), "en".into()]), Lang::Ko);
        assert_eq!(Lang::from_browser(&["fr".into(), "en-US".into()]), Lang::En);
    }
}

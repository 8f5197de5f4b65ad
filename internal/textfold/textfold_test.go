package textfold

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"cybersécurité":     "cybersecurite",
		"CYBERSÉCURITÉ":     "cybersecurite",
		"Straße":            "strasse",
		"Œuvre":             "oeuvre",
		"Łódź":              "lodz",
		"São Tomé":          "sao tome",
		"plain":             "plain",
		"Plain ASCII":       "plain ascii",
		"ciberseguridad":    "ciberseguridad",
		"e\u0301tat":        "etat", // already decomposed
		"Кибербезопасность": "кибербезопасность",
		"":                  "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldScripts(t *testing.T) {
	for in, want := range map[string]string{
		"Ёлка ЕЩЁ":        "елка еще",
		"الأمْنُ":         "الامن", // harakat and hamza on alef
		"إنترنت":          "انترنت",
		"الحمايـــة":      "الحمايه", // tatweel, ta marbuta
		"مستوى":           "مستوي",
		"مسؤولية مسئولية": "مسءوليه مسءوليه",
		"٧ ۷ ١٣":          "7 7 13",
		"ﻻ":               "لا", // presentation form of lam-alef
		"ＩＣＴ１３":           "ict13",
		"網絡安全 關鍵基礎設施":     "网络安全 关键基础设施",
		"网络安全":            "网络安全",
		"攜手 刪除內容 閉源":      "携手 删除内容 闭源",
		"裡 裏 臺北 籲請":       "里 里 台北 吁请",
		"显著 著名":           "显著 著名", // 著 is simplified too
		"大壩 妨礙 誰實施 網路賭博":  "大坝 妨碍 谁实施 网路赌博",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

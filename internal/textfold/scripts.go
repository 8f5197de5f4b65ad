package textfold

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Letter maps one rune of a non-Latin script to the form it is matched
// in, and reports false for a rune to drop: Cyrillic ё as е; Arabic
// alef, ya and ta marbuta variants unified (أ إ آ ٱ → ا, ى ی → ي, ة → ه,
// ؤ ئ → ء, ک → ك) and tatweel dropped; Arabic-Indic and Eastern
// Arabic-Indic digits as ASCII digits; full-width ASCII as ASCII;
// traditional Chinese characters as simplified ones where Simplified
// knows them. Marks (Arabic harakat) are left to the caller, which drops
// every combining mark anyway. Other runes come back unchanged.
func Letter(r rune) (rune, bool) {
	switch {
	case r < 0x400:
		return r, true
	case r == 'ё' || r == 'Ё':
		return 'е', true
	case r < 0x600:
		return r, true
	case r <= 0x6FF:
		switch r {
		case 'أ', 'إ', 'آ', 'ٱ':
			return 'ا', true
		case 'ى', 'ی':
			return 'ي', true
		case 'ة':
			return 'ه', true
		case 'ؤ', 'ئ':
			return 'ء', true
		case 'ک':
			return 'ك', true
		case 'ـ': // tatweel: stretches a word, is no letter
			return 0, false
		}
		if '٠' <= r && r <= '٩' {
			return '0' + r - '٠', true
		}
		if '۰' <= r && r <= '۹' {
			return '0' + r - '۰', true
		}
		return r, true
	case 0xFF01 <= r && r <= 0xFF5E: // full-width ASCII
		return r - 0xFEE0, true
	case r == '\u3000': // ideographic space
		return ' ', true
	}
	if s, ok := simplified[r]; ok {
		return s, true
	}
	return r, true
}

// IsPresentationForm reports an Arabic presentation form (a letter as
// shaped for display, or a ligature of several), which Presentation
// spells in base letters.
func IsPresentationForm(r rune) bool {
	return 0xFB50 <= r && r <= 0xFDFF || 0xFE70 <= r && r <= 0xFEFF
}

// Presentation returns the base letters of an Arabic presentation form
// (ﻻ → لا), folded by Letter and without marks; "" for a form that
// stands for no letters.
func Presentation(r rune) string {
	var out []rune
	for _, d := range norm.NFKC.String(string(r)) {
		if unicode.IsMark(d) {
			continue
		}
		if l, ok := Letter(d); ok && unicode.IsLetter(l) {
			out = append(out, l)
		}
	}
	return string(out)
}

// simplified maps traditional Chinese characters to their simplified
// forms. It is not a full conversion table: it holds about 400
// characters, those of the vocabulary normtag's rules and reference
// parser use (cyber security, infrastructure, norms, incidents,
// cooperation…) and other frequent ones of policy prose, so that a
// submission written in traditional characters matches the same rules
// and searches.
var simplified = func() map[rune]rune {
	const pairs = "國国際际網网絡络資资訊讯護护關关鍵键礎础設设應应對对緊紧響响隊队計计機机組组織织" +
		"權权責责務务協协調调報报惡恶軟软體体鏈链產产認认歸归屬属領领動动為为規规範范則则準准" +
		"項项條条請请減减緩缓災灾維维穩稳與与聯联區区標标據据隱隐論论決决議议義义換换數数庫库" +
		"傳传輸输濫滥擴扩後后門门負负損损壞坏擊击營营險险處处團团電电腦脑統统確确採采適适當当" +
		"驟骤許许錯错誤误經经驗验實实踐践預预審审證证嚴严獲获補补廠厂紀纪錄录測测試试檢检監监" +
		"視视聽听戶户醫医療疗銀银業业衛卫選选舉举該该會会員员發发進进夥伙個个們们這这從从來来" +
		"時时間间將将並并於于繼继續续強强點点態态問问題题戰战術术線线關关歷历環环義义務务" +
		"銷销毀毁漢汉語语聲声稱称說说話话總总體体構构詞词類类歐欧據据儲储" +
		"蘭兰雜杂親亲愛爱濟济導导趨趋勢势勵励風风險险減减輕轻傷伤術术員员練练訓训" +
		"務务級级別别責责專专業业門门軍军隊队罰罚懲惩違违規规範范協协約约邊边貿贸" +
		"與与為为們们個个對对說说會会於于從从將将還还這这進进過过現现發发經经動动實实體体點点當当無无問问題题長长開开關关東东車车書书學学國国內内際际義义務务權权責责應应該该處处機机構构組组織织議议決决協协調调參参員员報报資资訊讯數数據据網网絡络電电腦脑軟软設设備备產产業业銀银險险衛卫醫医療疗環环氣气運运輸输輛辆鐵铁線线緊紧響响隊队團团區区鄰邻領领導导軍军戰战爭争擊击護护隱隐論论聞闻記记錄录檢检測测監监視视聽听濫滥罰罚違违規规範范則则準准標标條条項项節节維维穩稳擴扩惡恶傳传鏈链質质認认證证歸归屬属獲获請请緩缓減减輕轻災灾難难損损壞坏斷断癱瘫瘓痪襲袭擾扰亂乱補补復复負负廠厂鑑鉴別别驗验審审計计劃划礎础鍵键級级統统係系聯联號号屆届歡欢謝谢爾尔萬万億亿總总黨党選选舉举狀状況况態态勢势縣县鎮镇鄉乡壓压倫伦禮礼儀仪齊齐濟济貿贸價价錢钱買买賣卖貨货幣币稅税費费積积極极觀观圖图畫画樂乐藝艺術术語语詞词譯译讀读寫写課课館馆廳厅場场莊庄園园繫系紐纽約约聯联盟盟歐欧亞亚洲洲亂乱權权衝冲突突災灾侵侵犯犯遞递徑径蹤踪跡迹竊窃駭骇竄窜暫暂時时間间務务啟启動动準准備备確确認认據据識识別别" +
		"託托詐诈騙骗釣钓魚鱼韌韧離离獎奖簽签單单裝装遠远脈脉縱纵異异見见擁拥囤囤積积廠厂權权鑑鉴識识製制雲云體体駭骇" +
		"習习偽伪偵侦農农創创辦办變变張张彌弥執执攝摄擺摆敵敌樣样橋桥沒没滿满獨独盜盗碼码種种糧粮終终結结給给絕绝繩绳" +
		"職职脅胁慮虑讓让訪访評评訴诉諾诺談谈諜谍財财購购賞赏賴赖趕赶轉转轄辖達达遙遥郵邮針针鍋锅須须馬马駛驶駕驾" +
		"頭头師师幫帮幹干眾众雙双圍围憲宪尋寻盡尽籌筹熱热" +
		// characters of the rules' vocabulary that were missing, found by
		// converting every character of rules/zh.yaml to traditional
		// (Taiwan and Hong Kong forms too); not 著, which is also a
		// simplified character (显著)
		"箇个爲为僅仅衆众僞伪沖冲憑凭刪删衞卫臺台籲吁啓启夠够屍尸層层帳帐擔担攔拦揮挥攜携樑梁" +
		"洩泄菸烟煙烟瞞瞒禍祸籤签纜缆羣群藥药販贩贓赃裏里裡里鎖锁閉闭麥麦" +
		// and those of issue 16's fourth round of Chinese rules (大壩,
		// 妨礙, 誰實施, 賭博, 申訴…)
		"臨临兩两倉仓卻却壇坛壩坝婦妇廣广願愿撥拨搗捣溝沟漲涨滲渗蓋盖礙碍競竞簡简綱纲綜综締缔臉脸虛虚釁衅" +
		"討讨診诊誰谁貸贷賦赋賭赌賽赛連连閱阅饋馈騷骚"
	m := map[rune]rune{}
	rs := []rune(pairs)
	for i := 0; i+1 < len(rs); i += 2 {
		if rs[i] != rs[i+1] { // a character written alike in both
			m[rs[i]] = rs[i+1]
		}
	}
	return m
}()

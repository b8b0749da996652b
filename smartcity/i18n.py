"""Language: Japanese first, English second. The language lives in the URL (?lang=en); Japanese is the default."""
from __future__ import annotations

from urllib.parse import parse_qs

import dash
import flask
from dash import html

LANGS = ("ja", "en")
BRAND_JA, BRAND_EN = "大阪スマートシティ KPI", "Osaka Smart City KPI"


def lang_of(value: str | None) -> str:
    """A valid language code from a query parameter (anything unknown means Japanese)."""
    return value if value in LANGS else "ja"


def tr(ja: str, en: str, lang: str) -> str:
    """The text in the page's language."""
    return en if lang == "en" else ja


def bi(ja: str, en: str, lang: str, tag=html.Span) -> list:
    """Both languages: the page's language first, the other one after it, smaller."""
    first, second = (en, ja) if lang == "en" else (ja, en)
    return [first, " ", tag(second, className="en", lang="ja" if lang == "en" else "en")]


def col(frame_row, base: str, lang: str) -> str:
    """The `<base>_ja` or `<base>_en` field of a row (falls back to Japanese when English is empty)."""
    value = getattr(frame_row, f"{base}_{lang}", None) if not isinstance(frame_row, dict) else frame_row.get(
        f"{base}_{lang}")
    if value is None or value != value or value == "":
        value = getattr(frame_row, f"{base}_ja", "") if not isinstance(frame_row, dict) else frame_row.get(
            f"{base}_ja", "")
    return value


def lang_of_search(search: str | None) -> str:
    """The language of a query string such as `?lang=en&geo=27100` (Japanese unless it says English)."""
    return lang_of((parse_qs((search or "").lstrip("?")).get("lang") or [None])[0])


def request_lang() -> str:
    """The language of what is being served: in a Dash callback the address of the page (Dash Pages' router passes
    its `_pages_location.search`), else the request's own `?lang=` (the first load of a page)."""
    try:
        inputs = dash.ctx.inputs
    except Exception:  # noqa: BLE001 - outside a callback (the index page, a test): no callback context
        inputs = {}
    if "_pages_location.search" in inputs:
        return lang_of_search(inputs["_pages_location.search"])
    if flask.has_request_context():
        return lang_of(flask.request.args.get("lang"))
    return "ja"


def split_bilingual(text: str) -> tuple[str, str]:
    """("日本語", "English") from a page title written "日本語 / English" (the same text twice without the " / ")."""
    ja, sep, en = str(text).partition(" / ")
    return (ja, en) if sep else (ja, ja)


def tab_title(name_ja: str, name_en: str, lang: str) -> str:
    """The browser tab's title: the page's name then the dashboard's, in one language."""
    return f"{tr(name_ja, name_en, lang)} | {tr(BRAND_JA, BRAND_EN, lang)}"


def grid_locale(lang: str) -> dict:
    """AG Grid options that put the grid's own texts (paging panel, "no rows", filter and column menus, screen-reader
    labels) in the page's language: `dashGridOptions={..., **grid_locale(lang)}`. English is AG Grid's default."""
    return {"localeText": AG_GRID_JA} if lang == "ja" else {}


# AG Grid's own Japanese (AG_GRID_LOCALE_JP of @ag-grid-community/locale 35.3.1, MIT, the version of the AG Grid that
# dash-ag-grid 35.3.0 bundles), restricted to the community features the dashboard uses. Changed from the original:
# the number separators ("," and ".", not "、" and "。"), the paging words ("1 ～ 12 / 129", "ページ 1 / 11") and the
# filter's join words (かつ / または, not AND / OR).
AG_GRID_JA = {
    "selectAll": "(すべて選択)", "selectAllSearchResults": "(検索結果をすべて選択)",
    "addCurrentSelectionToFilter": "現在の選択をフィルターに追加", "searchOoo": "検索...", "blanks": "(空白)",
    "noMatches": "一致するものがありません", "typeToSearchOoo": "検索するには入力してください...",
    "filterOoo": "フィルター...", "equals": "等しい", "notEqual": "等しくない", "blank": "空白",
    "notBlank": "空白ではない", "empty": "選択してください", "lessThan": "未満", "greaterThan": "より大きい",
    "lessThanOrEqual": "以下", "greaterThanOrEqual": "以上", "inRange": "間", "inRangeStart": "から",
    "inRangeEnd": "まで", "contains": "含む", "notContains": "含まない", "startsWith": "で始まる",
    "endsWith": "で終わる", "dateFormatOoo": "yyyy-mm-dd", "before": "前", "after": "後",
    "yesterday": "昨日", "today": "今日", "tomorrow": "明日", "last7Days": "過去7日間", "lastWeek": "先週",
    "thisWeek": "今週", "nextWeek": "来週", "last30Days": "過去30日間", "lastMonth": "先月",
    "thisMonth": "今月", "nextMonth": "来月", "last90Days": "過去90日間", "lastQuarter": "前四半期",
    "thisQuarter": "今四半期", "nextQuarter": "次四半期", "lastYear": "昨年", "thisYear": "今年",
    "yearToDate": "年度初から今日まで", "nextYear": "翌年", "last6Months": "過去6か月",
    "last12Months": "過去12か月", "last24Months": "過去24か月", "andCondition": "かつ",
    "orCondition": "または", "applyFilter": "適用", "resetFilter": "リセット", "clearFilter": "クリア",
    "cancelFilter": "キャンセル", "textFilter": "テキストフィルター", "numberFilter": "数値フィルター",
    "dateFilter": "日付フィルター", "minDateValidation": "日付は${variable}より後でなければなりません",
    "maxDateValidation": "日付は${variable}より前でなければなりません",
    "maxLengthValidation": "${variable}文字以内でなければなりません。",
    "minValueValidation": "${variable}以上でなければなりません",
    "maxValueValidation": "${variable}以下である必要があります",
    "strictMinValueValidation": "${variable}より大きい必要があります",
    "strictMaxValueValidation": "${variable}より小さい必要があります",
    "invalidSelectionValidation": "無効な選択です。", "columns": "列", "filters": "フィルター",
    "loadingOoo": "読み込み中...", "loadingError": "エラー", "noRowsToShow": "表示する行がありません",
    "noMatchingRows": "一致する行はありません", "pinColumn": "列の固定", "pinLeft": "左に固定", "pinRight": "右に固定",
    "noPin": "固定なし", "autosizeThisColumn": "この列の自動サイズ調整", "autosizeAllColumns": "すべての列の自動サイズ調整",
    "resetColumns": "列をリセット", "copy": "コピー", "ctrlC": "Ctrl+C", "copyWithHeaders": "ヘッダー付きでコピー",
    "columnFilter": "列フィルター", "columnChooser": "列の選択", "chooseColumns": "列を選択",
    "sortAscending": "昇順で並べ替え", "sortDescending": "降順で並べ替え", "sortUnSort": "ソート解除",
    "filteredRows": "フィルタ済み", "totalRows": "総行数", "totalAndFilteredRows": "行", "more": "もっと",
    "to": "～", "of": "/", "page": "ページ", "pageLastRowUnknown": "?", "nextPage": "次のページ",
    "lastPage": "最後のページ", "firstPage": "最初のページ", "previousPage": "前のページ",
    "pageSizeSelectorLabel": "ページサイズ：", "footerTotal": "合計", "true": "真", "false": "偽",
    "invalidDate": "無効な日付", "invalidNumber": "無効な数値", "ariaChecked": "チェック済み",
    "ariaColumn": "列", "ariaColumnGroup": "列グループ", "ariaFilterActive": "フィルターがアクティブ",
    "ariaColumnFiltered": "フィルターが適用された列", "ariaColumnSelectAll": "すべての列の表示を切り替え",
    "ariaDateFilterInput": "日付フィルター入力", "ariaDefaultListName": "リスト",
    "ariaFilterColumnsInput": "フィルター列入力", "ariaFilterFromValue": "値からフィルター",
    "ariaFilterInput": "フィルター入力", "ariaFilterList": "フィルターリスト", "ariaFilterToValue": "値までフィルター",
    "ariaFilterValue": "フィルター値", "ariaFilterMenuOpen": "フィルターメニューを開く",
    "ariaFilteringOperator": "フィルター演算子", "ariaHidden": "非表示", "ariaIndeterminate": "不確定",
    "ariaInputEditor": "入力エディター", "ariaMenuColumn": "列メニューを開くにはALT+↓を押してください",
    "ariaFilterColumn": "フィルターを開くにはCTRL+ENTERを押してください",
    "ariaRowDeselect": "この行の選択を解除するにはSPACEを押してください", "ariaHeaderSelection": "ヘッダー選択付きの列",
    "ariaSelectAllCells": "スペースキーまたはエンターキーを押してすべてのセルを選択します",
    "ariaSelectAllRowCells": "この行のすべてのセルを選択するにはEnterキーを押してください",
    "ariaColumnCellSelection": "この列のすべての表示セルの選択を切り替えるにはEnterキーを押してください",
    "ariaColumnGroupCellSelection": "この列グループのすべての表示セルの選択を切り替えるにはEnterキーを押してください",
    "ariaColumnGroupExpansion": "この列グループを展開または折りたたむにはENTERキーを押してください",
    "ariaColumnGroupCellSelectionAndExpansion": "この列グループのすべての表示セルの選択を切り替えるにはEnterキーを押してください. この列グループを展開または折りたたむにはALT ENTERキーを押してください",
    "ariaRowSelectAll": "すべての行の選択を切り替えるにはSPACEを押してください",
    "ariaRowToggleSelection": "行の選択を切り替えるにはSPACEを押してください",
    "ariaRowSelect": "この行を選択するにはSPACEを押してください", "ariaRowSelectionDisabled": "この行の選択は無効です",
    "ariaSearch": "検索", "ariaSortableColumn": "並べ替えるにはENTERを押してください",
    "ariaSortableColumnWithCellSelection": "並べ替えるにはALT ENTERを押してください",
    "ariaToggleVisibility": "表示を切り替えるにはSPACEを押してください",
    "ariaToggleCellValue": "セルの値を切り替えるにはSPACEを押してください", "ariaUnchecked": "未チェック",
    "ariaVisible": "表示", "ariaSearchFilterValues": "フィルター値を検索",
    "ariaPageSizeSelectorLabel": "ページサイズ", "ariaSkeletonCellLoadingFailed": "行の読み込みに失敗しました",
    "ariaSkeletonCellLoading": "行データを読み込み中", "ariaDeferSkeletonCellLoading": "セルを読み込み中",
    "ariaLabelDialog": "ダイアログ", "ariaLabelColumnMenu": "列メニュー",
    "ariaLabelColumnFilter": "列フィルター", "ariaLabelSelectField": "フィールドを選択",
    "ariaValidationErrorPrefix": "セルエディタの検証",
    "ariaLabelLoadingContextMenu": "コンテキストメニューを読み込んでいます", "ariaLabelTooltip": "ツールチップ",
    "ariaLabelContextMenu": "コンテキストメニュー", "ariaLabelSubMenu": "サブメニュー",
    "thousandSeparator": ",", "decimalSeparator": ".",
}

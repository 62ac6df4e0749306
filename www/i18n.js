// UI strings in Chinese and English. The language follows the browser (navigator.language)
// until the user picks one with the switch; the choice is kept in localStorage.
// Only static UI text lives here: file names, group and member names, format names and the
// core's messages about files are data and are shown as they come.

const STRINGS = {
  en: {
    'app.tagline': 'Community analytics for your WeChat, WeCom and QQ groups',
    'lang.label': 'Language',
    'load.title': 'Load chat exports',
    'load.drop': 'Drop chat export files here',
    'load.or': 'or',
    'load.choose': 'Choose files…',
    'load.sample': 'Load sample data',
    'load.clear': 'Clear',
    'load.privacy': 'Files are read in this browser tab. Nothing is uploaded.',
    'load.formats': 'Reads WeChatMsg/MemoTrace and PyWxDump CSV, WeCom archive and group member JSON, QQ 消息管理器 TXT and QQ NT exporter JSON — UTF-8, UTF-16 or GBK. Drop more files to add them.',
    'load.starting': 'Starting…',
    'load.cancel': 'Cancel',
    'progress.file': '{file} ({index} of {count})',
    'progress.bytes': '{done} of {total}',
    'progress.report': 'Computing the report…',
    'progress.restoring': 'Cancelled; restoring the files loaded before…',
    'progress.sample': 'Generating the sample data…',
    'notice.duplicate': 'Already loaded, skipped: {files}',
    'notice.problems': '{count} file(s) could not be read completely — see Inputs.',
    'notice.fatal': 'The analysis stopped: {message}. The data was cleared; a very large file may not fit in this device\'s memory.',
    'notice.wasm': 'The analysis engine could not start: {message}',
    'notice.cancelled': 'Loading cancelled. Files loaded before are kept.',
    'notice.sample': 'Showing the built-in sample data. Drop your own exports to replace it.',
    'empty.title': 'No data yet',
    'empty.body': 'Drop one or more chat exports above, or load the sample data to see what qunlens shows.',
    'summary.files': 'Files',
    'summary.groups': 'Groups',
    'summary.members': 'Members',
    'summary.asof': 'Data up to',
    'summary.zone': 'Times in {zone}',
    'tab.inputs': 'Inputs',
    'tab.groups': 'Groups',
    'tab.members': 'Members',
    'tab.activity': 'Activity',
    'inputs.file': 'File',
    'inputs.format': 'Format',
    'inputs.encoding': 'Encoding',
    'inputs.size': 'Size',
    'inputs.rows': 'Rows read',
    'inputs.messages': 'Messages',
    'inputs.skipped': 'Rows skipped',
    'inputs.status': 'Status',
    'inputs.ok': 'Read',
    'inputs.error': 'Not read',
    'inputs.partial': 'Read, with skipped rows',
    'inputs.unknown': 'not recognised',
    'inputs.where': '{file}, line {line}',
    'inputs.more_skipped': 'and {count} more skipped rows',
    'inputs.malformed': '{count} bytes were not valid {encoding} and are shown as �',
    'inputs.empty': 'No files loaded.',
    'groups.name': 'Group',
    'groups.platform': 'Platform',
    'groups.members': 'Members seen',
    'groups.speakers': 'Speakers',
    'groups.messages': 'Messages',
    'groups.active': 'Active (last {days} days)',
    'groups.joins': 'Joins',
    'groups.leaves': 'Leaves',
    'groups.first': 'First message',
    'groups.last': 'Last message',
    'groups.empty': 'No groups found in the loaded files.',
    'groups.hint': 'Click a column header to sort; click a group name to see its activity.',
    'members.search': 'Search name, ID or group…',
    'members.allGroups': 'All groups',
    'members.name': 'Display name(s)',
    'members.id': 'ID',
    'members.groups': 'Groups',
    'members.messages': 'Messages',
    'members.lastActive': 'Last active',
    'members.inviter': 'Invited by',
    'members.self': 'export account',
    'members.formerly': 'earlier names: ',
    'members.more': '+{count} more',
    'members.showing': '{from}–{to} of {total}',
    'members.none': 'No member matches.',
    'members.empty': 'No members found in the loaded files.',
    'members.prev': 'Previous',
    'members.next': 'Next',
    'members.page': 'Page {page} of {pages}',
    'join.invite': 'invited',
    'join.qr_code': 'QR code',
    'join.link': 'link',
    'join.unknown': 'joined',
    'activity.group': 'Group',
    'activity.all': 'All groups',
    'activity.daily': 'Messages per day',
    'activity.heatmap': 'Messages by weekday and hour',
    'activity.note': 'Member messages only (system tips, recalls and pats are not counted). Hours in {zone}.',
    'activity.empty': 'No messages to chart.',
    'activity.messages': 'Messages',
    'weekdays': ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
    'footer': 'qunlens runs entirely in your browser; the page makes no network request after it has loaded.',
    'platform.wechat': 'WeChat',
    'platform.wecom': 'WeCom',
    'platform.qq': 'QQ',
    'platform.whatsapp': 'WhatsApp',
    'platform.telegram': 'Telegram',
    'platform.discord': 'Discord',
    'platform.slack': 'Slack',
    'platform.other': 'Other',
    'dash': '—',
  },
  zh: {
    'app.tagline': '微信、企业微信和 QQ 社群的运营分析',
    'lang.label': '语言',
    'load.title': '导入聊天记录',
    'load.drop': '把聊天记录导出文件拖到这里',
    'load.or': '或',
    'load.choose': '选择文件…',
    'load.sample': '加载示例数据',
    'load.clear': '清空',
    'load.privacy': '文件只在本浏览器标签页中读取，不会上传。',
    'load.formats': '支持 WeChatMsg/留痕 和 PyWxDump 导出的 CSV、企业微信会话存档和客户群成员 JSON、QQ 消息管理器 TXT、QQ NT 导出 JSON —— UTF-8、UTF-16 或 GBK 编码。继续拖入文件即可追加。',
    'load.starting': '正在启动…',
    'load.cancel': '取消',
    'progress.file': '{file}（第 {index} 个，共 {count} 个）',
    'progress.bytes': '{done} / {total}',
    'progress.report': '正在生成报告…',
    'progress.restoring': '已取消，正在恢复之前导入的文件…',
    'progress.sample': '正在生成示例数据…',
    'notice.duplicate': '已导入过，已跳过：{files}',
    'notice.problems': '有 {count} 个文件未能完整读取，详见“导入文件”。',
    'notice.fatal': '分析中断：{message}。数据已清空；文件过大时可能超出本设备的内存。',
    'notice.wasm': '分析引擎无法启动：{message}',
    'notice.cancelled': '已取消导入。之前导入的文件仍然保留。',
    'notice.sample': '当前显示的是内置示例数据。拖入你自己的导出文件即可替换。',
    'empty.title': '还没有数据',
    'empty.body': '在上方拖入一个或多个聊天记录导出文件，或者加载示例数据看看效果。',
    'summary.files': '文件',
    'summary.groups': '群',
    'summary.members': '成员',
    'summary.asof': '数据截至',
    'summary.zone': '时间按 {zone}',
    'tab.inputs': '导入文件',
    'tab.groups': '群概览',
    'tab.members': '成员',
    'tab.activity': '活跃度',
    'inputs.file': '文件',
    'inputs.format': '格式',
    'inputs.encoding': '编码',
    'inputs.size': '大小',
    'inputs.rows': '读取行数',
    'inputs.messages': '消息数',
    'inputs.skipped': '跳过行数',
    'inputs.status': '状态',
    'inputs.ok': '已读取',
    'inputs.error': '未读取',
    'inputs.partial': '已读取，有跳过的行',
    'inputs.unknown': '无法识别',
    'inputs.where': '{file}，第 {line} 行',
    'inputs.more_skipped': '另有 {count} 行被跳过',
    'inputs.malformed': '有 {count} 个字节不是有效的 {encoding}，显示为 �',
    'inputs.empty': '还没有导入文件。',
    'error.empty': '文件是空的',
    'error.binary': '这不是聊天记录导出文件，请把聊天记录导出为 CSV、TXT 或 JSON 后再拖进来',
    'error.unknown_format': '无法识别的格式：需要留痕/WeChatMsg 或 PyWxDump 的 CSV、企业微信会话存档或客户群成员 JSON、QQ 消息管理器 TXT 或 QQ NT 导出的 JSON',
    'error.no_messages': '文件只有表头，没有消息',
    'error.no_readable_rows': '所有行都无法读取，见下方跳过的行',
    'error.bad_archive': 'zip 压缩包已损坏或不完整',
    'error.archive_limits': 'zip 压缩包超出安全限制（文件过多、过大或疑似压缩炸弹），未读取',
    'groups.name': '群名称',
    'groups.platform': '平台',
    'groups.members': '出现过的成员',
    'groups.speakers': '发言人数',
    'groups.messages': '消息数',
    'groups.active': '活跃成员（近 {days} 天）',
    'groups.joins': '入群',
    'groups.leaves': '退群',
    'groups.first': '首条消息',
    'groups.last': '最后一条消息',
    'groups.empty': '导入的文件中没有找到群。',
    'groups.hint': '点击表头排序；点击群名称查看该群的活跃度。',
    'members.search': '搜索昵称、ID 或群…',
    'members.allGroups': '全部群',
    'members.name': '昵称（含曾用名）',
    'members.id': 'ID',
    'members.groups': '所在群',
    'members.messages': '消息数',
    'members.lastActive': '最近发言',
    'members.inviter': '邀请人',
    'members.self': '导出账号',
    'members.formerly': '曾用名：',
    'members.more': '另 {count} 个',
    'members.showing': '第 {from}–{to} 个，共 {total} 个',
    'members.none': '没有匹配的成员。',
    'members.empty': '导入的文件中没有找到成员。',
    'members.prev': '上一页',
    'members.next': '下一页',
    'members.page': '第 {page} / {pages} 页',
    'join.invite': '邀请',
    'join.qr_code': '扫码',
    'join.link': '链接',
    'join.unknown': '入群',
    'activity.group': '群',
    'activity.all': '全部群',
    'activity.daily': '每日消息数',
    'activity.heatmap': '按星期和小时的消息分布',
    'activity.note': '只统计成员消息（不含系统提示、撤回和拍一拍）。小时按 {zone}。',
    'activity.empty': '没有可以绘图的消息。',
    'activity.messages': '消息数',
    'weekdays': ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
    'footer': 'qunlens 完全在你的浏览器中运行；页面加载完成后不会再发出任何网络请求。',
    'platform.wechat': '微信',
    'platform.wecom': '企业微信',
    'platform.qq': 'QQ',
    'platform.whatsapp': 'WhatsApp',
    'platform.telegram': 'Telegram',
    'platform.discord': 'Discord',
    'platform.slack': 'Slack',
    'platform.other': '其他',
    'dash': '—',
  },
};

const STORAGE_KEY = 'qunlens.lang';

function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && STRINGS[saved]) return saved;
  } catch { /* storage may be disabled */ }
  const langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  return String(langs[0]).toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let lang = initialLang();

export const LANGS = { zh: '中文', en: 'English' };

export function getLang() {
  return lang;
}

/** BCP 47 locale for number and date formatting. */
export function locale() {
  return lang === 'zh' ? 'zh-CN' : 'en-US';
}

export function setLang(next) {
  if (!STRINGS[next]) return;
  lang = next;
  try { localStorage.setItem(STORAGE_KEY, next); } catch { /* ignore */ }
}

/** The string for `key`, with `{name}` placeholders replaced from `params`. */
export function t(key, params) {
  const s = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
  if (!params || typeof s !== 'string') return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

/** Applies translations to every element with data-i18n (textContent), data-i18n-placeholder
 *  and data-i18n-title under `root`. */
export function translateDom(root = document) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}

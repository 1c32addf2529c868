/** Name and place material for the demo province (common Chinese names with their pinyin). */
import { Rng, Weighted } from './prng';

type Py = readonly [string, string]; // character(s), pinyin

/** Common surnames with rough frequency weights (per cent); 汪 and 储 are common in Anhui. */
const SURNAMES: ReadonlyArray<readonly [Py, number]> = [
  [['王', 'wang'], 7.1], [['李', 'li'], 7.0], [['张', 'zhang'], 6.7], [['刘', 'liu'], 5.4], [['陈', 'chen'], 4.5],
  [['杨', 'yang'], 3.1], [['黄', 'huang'], 2.2], [['赵', 'zhao'], 2.0], [['吴', 'wu'], 2.0], [['周', 'zhou'], 1.9],
  [['徐', 'xu'], 1.3], [['孙', 'sun'], 1.3], [['马', 'ma'], 1.2], [['朱', 'zhu'], 1.1], [['胡', 'hu'], 1.1],
  [['郭', 'guo'], 1.0], [['何', 'he'], 0.9], [['高', 'gao'], 0.9], [['林', 'lin'], 0.9], [['罗', 'luo'], 0.8],
  [['郑', 'zheng'], 0.8], [['梁', 'liang'], 0.7], [['谢', 'xie'], 0.6], [['宋', 'song'], 0.6], [['唐', 'tang'], 0.5],
  [['许', 'xu'], 0.5], [['韩', 'han'], 0.5], [['冯', 'feng'], 0.5], [['邓', 'deng'], 0.5], [['曹', 'cao'], 0.5],
  [['彭', 'peng'], 0.4], [['曾', 'zeng'], 0.4], [['肖', 'xiao'], 0.4], [['田', 'tian'], 0.4], [['董', 'dong'], 0.4],
  [['袁', 'yuan'], 0.4], [['潘', 'pan'], 0.4], [['于', 'yu'], 0.4], [['蒋', 'jiang'], 0.4], [['蔡', 'cai'], 0.4],
  [['余', 'yu'], 0.4], [['杜', 'du'], 0.3], [['叶', 'ye'], 0.3], [['程', 'cheng'], 0.4], [['苏', 'su'], 0.3],
  [['魏', 'wei'], 0.3], [['吕', 'lyu'], 0.3], [['丁', 'ding'], 0.3], [['任', 'ren'], 0.3], [['沈', 'shen'], 0.3],
  [['姚', 'yao'], 0.3], [['卢', 'lu'], 0.3], [['汪', 'wang'], 0.6], [['方', 'fang'], 0.3], [['储', 'chu'], 0.15],
  [['葛', 'ge'], 0.15], [['钱', 'qian'], 0.2], [['陶', 'tao'], 0.2], [['江', 'jiang'], 0.2], [['夏', 'xia'], 0.2],
  [['章', 'zhang'], 0.2], [['戴', 'dai'], 0.2], [['鲍', 'bao'], 0.1], [['查', 'zha'], 0.05], [['欧阳', 'ouyang'], 0.03],
];

const BOY: readonly Py[] = [
  ['子', 'zi'], ['浩', 'hao'], ['宇', 'yu'], ['轩', 'xuan'], ['泽', 'ze'], ['俊', 'jun'], ['博', 'bo'], ['文', 'wen'],
  ['杰', 'jie'], ['晨', 'chen'], ['睿', 'rui'], ['涵', 'han'], ['铭', 'ming'], ['天', 'tian'], ['宸', 'chen'], ['一', 'yi'],
  ['嘉', 'jia'], ['明', 'ming'], ['昊', 'hao'], ['辰', 'chen'], ['逸', 'yi'], ['航', 'hang'], ['然', 'ran'], ['诚', 'cheng'],
  ['毅', 'yi'], ['磊', 'lei'], ['鑫', 'xin'], ['瑞', 'rui'], ['凯', 'kai'], ['哲', 'zhe'], ['梓', 'zi'], ['皓', 'hao'],
  ['阳', 'yang'], ['旭', 'xu'], ['峰', 'feng'], ['鹏', 'peng'], ['思', 'si'], ['远', 'yuan'], ['安', 'an'], ['乐', 'le'],
  ['煜', 'yu'], ['景', 'jing'], ['奕', 'yi'], ['彦', 'yan'], ['晟', 'sheng'], ['霖', 'lin'], ['骏', 'jun'], ['翔', 'xiang'],
];
const GIRL: readonly Py[] = [
  ['欣', 'xin'], ['怡', 'yi'], ['梓', 'zi'], ['涵', 'han'], ['雨', 'yu'], ['萱', 'xuan'], ['诗', 'shi'], ['佳', 'jia'],
  ['琪', 'qi'], ['婷', 'ting'], ['悦', 'yue'], ['可', 'ke'], ['馨', 'xin'], ['雅', 'ya'], ['思', 'si'], ['彤', 'tong'],
  ['妍', 'yan'], ['然', 'ran'], ['语', 'yu'], ['晨', 'chen'], ['梦', 'meng'], ['瑶', 'yao'], ['紫', 'zi'], ['慧', 'hui'],
  ['静', 'jing'], ['丽', 'li'], ['娜', 'na'], ['晴', 'qing'], ['心', 'xin'], ['若', 'ruo'], ['依', 'yi'], ['一', 'yi'],
  ['诺', 'nuo'], ['安', 'an'], ['楠', 'nan'], ['月', 'yue'], ['冰', 'bing'], ['颖', 'ying'], ['蕾', 'lei'], ['芳', 'fang'],
  ['沐', 'mu'], ['菲', 'fei'], ['汐', 'xi'], ['婉', 'wan'], ['清', 'qing'], ['歆', 'xin'], ['玥', 'yue'], ['蓉', 'rong'],
];
const MAN: readonly Py[] = [
  ['伟', 'wei'], ['强', 'qiang'], ['军', 'jun'], ['勇', 'yong'], ['斌', 'bin'], ['涛', 'tao'], ['刚', 'gang'], ['华', 'hua'],
  ['林', 'lin'], ['波', 'bo'], ['明', 'ming'], ['东', 'dong'], ['建', 'jian'], ['国', 'guo'], ['峰', 'feng'], ['海', 'hai'],
  ['亮', 'liang'], ['鹏', 'peng'], ['磊', 'lei'], ['超', 'chao'], ['杰', 'jie'], ['平', 'ping'], ['辉', 'hui'], ['飞', 'fei'],
  ['龙', 'long'], ['俊', 'jun'], ['志', 'zhi'], ['文', 'wen'], ['庆', 'qing'], ['春', 'chun'],
];
const WOMAN: readonly Py[] = [
  ['芳', 'fang'], ['娟', 'juan'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['艳', 'yan'], ['霞', 'xia'], ['玲', 'ling'],
  ['燕', 'yan'], ['红', 'hong'], ['梅', 'mei'], ['琳', 'lin'], ['洁', 'jie'], ['萍', 'ping'], ['婷', 'ting'], ['慧', 'hui'],
  ['莉', 'li'], ['颖', 'ying'], ['倩', 'qian'], ['雪', 'xue'], ['青', 'qing'], ['云', 'yun'], ['凤', 'feng'], ['秀', 'xiu'],
];

const surnames = new Weighted(SURNAMES);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export interface PersonName {
  name: string;
  pinyin: string;
  surname: Py;
}

export function pickSurname(rng: Rng): Py {
  return surnames.pick(rng);
}

function given(rng: Rng, chars: readonly Py[], twoCharShare: number): Py {
  const a = rng.pick(chars);
  if (!rng.chance(twoCharShare)) return a;
  let b = rng.pick(chars);
  if (b[0] === a[0]) b = rng.pick(chars);
  return [a[0] + b[0], a[1] + b[1]];
}

/** A child's name: 1 or 2 given characters (2 for about 80 %). */
export function childName(rng: Rng, gender: '1' | '2', surname: Py = pickSurname(rng)): PersonName {
  const g = given(rng, gender === '1' ? BOY : GIRL, 0.8);
  return { name: surname[0] + g[0], pinyin: `${cap(surname[1])} ${cap(g[1])}`, surname };
}

/** A parent's name (born in the 1970s–1990s: more one-character given names). */
export function adultName(rng: Rng, gender: '1' | '2', surname: Py = pickSurname(rng)): PersonName {
  const g = given(rng, gender === '1' ? MAN : WOMAN, 0.5);
  return { name: surname[0] + g[0], pinyin: `${cap(surname[1])} ${cap(g[1])}`, surname };
}

const PHONE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157', '158', '159', '166', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '199'];
export function mobile(rng: Rng): string {
  return rng.pick(PHONE_PREFIXES) + rng.digits(8);
}

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1–999 in Chinese as used in school names (第十二中学, 第四十五中学, 第一百零三小学). */
export function chineseNumber(n: number): string {
  if (n < 10) return NUMERALS[n];
  if (n < 20) return `十${n % 10 ? NUMERALS[n % 10] : ''}`;
  if (n < 100) return `${NUMERALS[Math.floor(n / 10)]}十${n % 10 ? NUMERALS[n % 10] : ''}`;
  const rest = n % 100;
  const head = `${NUMERALS[Math.floor(n / 100)]}百`;
  if (rest === 0) return head;
  if (rest < 10) return `${head}零${NUMERALS[rest]}`;
  return head + (rest < 20 ? `一${chineseNumber(rest)}` : chineseNumber(rest));
}

export const EMPLOYERS_COMMON = [
  '个体经营', '自由职业', '务农', '中国工商银行', '中国建设银行', '国网安徽省电力有限公司', '中国移动安徽分公司',
  '中国邮政', '中国电信', '安徽省交通控股集团', '顺丰速运', '京东物流',
];
export const INDUSTRIES = ['建材', '电子科技', '物流', '餐饮管理', '汽车零部件', '家电', '食品', '建筑工程', '信息技术', '商贸', '医药', '服装'];
export const TITLES = ['职员', '工程师', '经理', '教师', '医生', '护士', '会计', '技术员', '销售', '司机', '厨师', '工人', '店主', '公务员'];
export const SPECIALTIES = ['书法', '钢琴', '绘画', '篮球', '足球', '游泳', '舞蹈', '围棋', '乒乓球', '朗诵', '编程', '小提琴', '跆拳道', '合唱'];

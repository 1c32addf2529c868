/** The demo province's regions: 安徽省 → 合肥市, 芜湖市 → four counties, with local place names. */
import { listCities, listCounties } from '../domain/regions';

export interface DemoCounty {
  code: string;
  name: string;
  city: string;
  cityName: string;
  /** Prefix of school names and addresses, e.g. '合肥市蜀山区' or '肥西县'. */
  prefix: string;
  bureau: string;
  urban: boolean;
  postcode: string;
  areaPhone: string;
  streets: string[];
  /** 街道 / 镇 / 乡 names used in school names and rural addresses. */
  areas: string[];
  villages: string[];
}

export const DEMO_PROVINCE = { code: '340000', name: '安徽省', bureau: '安徽省教育厅', address: '合肥市包河区屯溪路2号', phone: '0551-62831800' };
export const DEMO_CITIES = [
  { code: '340100', name: '合肥市', bureau: '合肥市教育局', address: '合肥市蜀山区潜山路100号', phone: '0551-63538888' },
  { code: '340200', name: '芜湖市', bureau: '芜湖市教育局', address: '芜湖市鸠江区赤铸山东路1号', phone: '0553-3843001' },
];

export const DEMO_COUNTIES: DemoCounty[] = [
  {
    code: '340104', name: '蜀山区', city: '340100', cityName: '合肥市', prefix: '合肥市蜀山区', bureau: '合肥市蜀山区教育体育局',
    urban: true, postcode: '230031', areaPhone: '0551',
    streets: ['长江西路', '黄山路', '潜山路', '望江西路', '肥西路', '科学大道', '井岗路', '西园路', '史河路', '汇林路', '湖光路', '振兴路'],
    areas: ['琥珀', '西园新村', '南七', '稻香村', '五里墩', '笔架山', '荷叶地', '三里庵', '井岗', '南岗', '小庙', '龙岗'],
    villages: ['光明', '新华', '丰收', '和平', '长岗'],
  },
  {
    code: '340123', name: '肥西县', city: '340100', cityName: '合肥市', prefix: '肥西县', bureau: '肥西县教育体育局',
    urban: false, postcode: '231200', areaPhone: '0551',
    streets: ['金寨南路', '翡翠路', '繁华大道', '玉兰大道', '馆驿路', '巢湖路', '聚福路'],
    areas: ['上派', '三河', '桃花', '紫蓬', '花岗', '官亭', '山南', '严店', '铭传', '柿树岗', '丰乐', '高店'],
    villages: ['三岗', '双河', '方岗', '金桥', '大郢', '新仓', '陈岗', '烟墩', '长镇', '宋岗', '聚星', '周岗'],
  },
  {
    code: '340202', name: '镜湖区', city: '340200', cityName: '芜湖市', prefix: '芜湖市镜湖区', bureau: '芜湖市镜湖区教育局',
    urban: true, postcode: '241000', areaPhone: '0553',
    streets: ['中山路', '北京东路', '赭山西路', '长江路', '九华中路', '银湖北路', '文化路', '新芜路', '团结东路', '黄山西路'],
    areas: ['赭山', '范罗山', '育红', '汀棠', '荆山', '天门山', '弋矶山', '方村', '大砻坊', '张家山', '镜湖', '吉和'],
    villages: ['方村', '官陡', '汀棠', '利民'],
  },
  {
    code: '340223', name: '南陵县', city: '340200', cityName: '芜湖市', prefix: '南陵县', bureau: '南陵县教育局',
    urban: false, postcode: '242400', areaPhone: '0553',
    streets: ['春谷路', '籍山路', '漳河路', '城东大道', '龙山路', '陵阳路'],
    areas: ['籍山', '弋江', '许镇', '家发', '工山', '三里', '何湾', '烟墩'],
    villages: ['绿岭', '奎湖', '峨岭', '城东', '新塘', '九连', '团山', '黄塘', '梅村', '龙头', '丫山', '石铺'],
  },
];

/**
 * County-level codes used for hukou and ID numbers: every Anhui county except the statistical
 * development zones (…7x) and 340111 包河区, which the API tests keep for their own ID numbers.
 */
export function anhuiCounties(): string[] {
  const out: string[] = [];
  for (const city of listCities('340000')) {
    for (const c of listCounties(city.code)) {
      if (Number(c.code.slice(4)) >= 70 || c.code === '340111') continue;
      out.push(c.code);
    }
  }
  return out;
}

/** Other counties of the same city (for pupils whose hukou is in a neighbouring county). */
export function neighbourCounties(cityCode: string, except: string): string[] {
  return listCounties(cityCode).map((c) => c.code).filter((c) => c !== except && c !== '340111' && Number(c.slice(4)) < 70);
}

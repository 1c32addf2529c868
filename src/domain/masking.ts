/**
 * Masking of personal data (PIPL; N 系统安全): logs and public rosters never carry full ID
 * numbers, phone numbers or addresses.
 */
export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return id ?? null;
  const s = String(id);
  if (s.length <= 8) return '*'.repeat(s.length);
  return `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`;
}

export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  const s = String(phone);
  return s.length < 7 ? '*'.repeat(s.length) : `${s.slice(0, 3)}${'*'.repeat(s.length - 7)}${s.slice(-4)}`;
}

export function maskText(text: string | null | undefined, keep = 6): string | null {
  if (!text) return text ?? null;
  const s = String(text);
  return s.length <= keep ? s : `${s.slice(0, keep)}***`;
}

/** Name masked for public notices: 张三 → 张*, 王小明 → 王*明. */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return name ?? null;
  const s = String(name);
  if (s.length <= 1) return s;
  if (s.length === 2) return `${s[0]}*`;
  return `${s[0]}${'*'.repeat(s.length - 2)}${s[s.length - 1]}`;
}

const SENSITIVE: Record<string, (v: any) => any> = {
  idNumber: maskIdNumber,
  identityKey: () => '***',
  studentNumber: maskIdNumber,
  phone: maskPhone,
  currentAddress: maskText,
  mailingAddress: maskText,
  homeAddress: maskText,
  address: maskText,
  password: () => '***',
};

/** Masks sensitive fields of a record (and of its family members) for the audit log. */
export function maskRecord(rec: Record<string, any> | null | undefined): Record<string, any> | null {
  if (!rec) return null;
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(rec)) {
    if (Array.isArray(v) && v.every((x) => x && typeof x === 'object')) out[k] = v.map((x) => maskRecord(x));
    else out[k] = SENSITIVE[k] ? SENSITIVE[k](v) : v;
  }
  return out;
}

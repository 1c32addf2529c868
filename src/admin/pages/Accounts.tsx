/**
 * 下级账号管理: a bureau lists, creates and resets the accounts of the schools and lower
 * bureaus in its own region (server: src/server/accounts.ts; every rule is enforced there).
 */
import * as React from 'react';
import { Box, Button, Field, Flex, Main, SingleSelect, SingleSelectOption, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';
import { regionName } from '../../domain/regions';

interface Account { id: number; email: string; firstname: string; level: string; code: string; isActive: boolean; blocked?: boolean }
const LEVELS: Record<string, string> = { city: '市级教育局', county: '县级教育局', school: '学校学籍管理员' };

/** 管辖范围 as people say it: '琥珀小学（2134100006）', '安徽省 合肥市 蜀山区（340104）'. */
const scopeName = (a: Account, schoolNames: Record<string, string>) => {
  const name = a.level === 'school' ? schoolNames[a.code] : regionName(a.code);
  return name ? `${name}（${a.code}）` : a.code;
};

const message = (e: any) => e?.response?.data?.error?.message ?? e?.message ?? '操作失败';

const AccountsPage = () => {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [accounts, setAccounts] = React.useState<Account[]>([]);
  const [denied, setDenied] = React.useState<string | null>(null);
  const [form, setForm] = React.useState({ email: '', firstname: '', level: 'school', code: '', password: '' });
  const [schoolNames, setSchoolNames] = React.useState<Record<string, string>>({});

  const load = React.useCallback(async () => {
    try {
      const res: any = await get('/xueji/accounts');
      const list: Account[] = res.data.data;
      setAccounts(list);
      setDenied(null);
      // 管辖范围 by name: schools through the Content Manager (scoped like every read), regions from the division list.
      const codes = [...new Set(list.filter((a) => a.level === 'school').map((a) => a.code))];
      if (codes.length) {
        const query = codes.map((c, i) => `filters[code][$in][${i}]=${encodeURIComponent(c)}`).join('&');
        const schools: any = await get(`/content-manager/collection-types/api::school.school?pageSize=${codes.length}&${query}`).catch(() => null);
        setSchoolNames(Object.fromEntries((schools?.data?.results ?? []).map((x: any) => [x.code, x.name])));
      }
    } catch (e) {
      setDenied(message(e));
    }
  }, [get]);
  React.useEffect(() => { load(); }, [load]);

  const create = async (ev: React.FormEvent) => {
    ev.preventDefault();
    try {
      await post('/xueji/accounts', form);
      toggleNotification({ type: 'success', message: `已创建账号 ${form.email}` });
      setForm({ ...form, email: '', firstname: '', code: '', password: '' });
      load();
    } catch (e) {
      toggleNotification({ type: 'danger', message: message(e) });
    }
  };

  const reset = async (a: Account) => {
    const password = window.prompt(`为 ${a.email} 设置新密码（至少 8 位，含大写、小写、数字、符号中的三类）`);
    if (!password) return;
    try {
      await post(`/xueji/accounts/${a.id}/reset-password`, { password });
      toggleNotification({ type: 'success', message: `已重置 ${a.email} 的密码并解除锁定` });
    } catch (e) {
      toggleNotification({ type: 'danger', message: message(e) });
    }
  };

  const input = (key: keyof typeof form, label: string, type = 'text') => (
    <Field.Root name={key} required>
      <Field.Label>{label}</Field.Label>
      <Field.Input type={type} value={form[key]} onChange={(e: any) => setForm({ ...form, [key]: e.target.value })} />
    </Field.Root>
  );

  return (
    <Main>
      <Box padding={8}>
        <Typography variant="alpha" tag="h1">下级账号管理</Typography>
        <Box paddingTop={2} paddingBottom={6}>
          <Typography variant="epsilon" textColor="neutral600">创建和重置本辖区内下级单位、学校的账号。学校密码由主管教育局重置。</Typography>
        </Box>
        {denied ? (
          <Typography textColor="danger600">{denied}</Typography>
        ) : (
          <>
            <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
              <form onSubmit={create}>
                <Flex gap={4} alignItems="flex-end" wrap="wrap">
                  {input('email', '登录邮箱', 'email')}
                  {input('firstname', '姓名或单位')}
                  <Field.Root name="level" required>
                    <Field.Label>账号级别</Field.Label>
                    <SingleSelect value={form.level} onChange={(v: string | number) => setForm({ ...form, level: String(v) })}>
                      {Object.entries(LEVELS).map(([k, v]) => <SingleSelectOption key={k} value={k}>{v}</SingleSelectOption>)}
                    </SingleSelect>
                  </Field.Root>
                  {input('code', form.level === 'school' ? '学校标识码' : '行政区划码')}
                  {input('password', '初始密码', 'password')}
                  <Button type="submit">创建账号</Button>
                </Flex>
              </form>
            </Box>
            <Box paddingTop={6}>
              <Table colCount={5} rowCount={accounts.length + 1}>
                <Thead>
                  <Tr><Th><Typography variant="sigma">登录邮箱</Typography></Th><Th><Typography variant="sigma">姓名</Typography></Th><Th><Typography variant="sigma">级别</Typography></Th><Th><Typography variant="sigma">管辖范围</Typography></Th><Th><Typography variant="sigma">操作</Typography></Th></Tr>
                </Thead>
                <Tbody>
                  {accounts.map((a) => (
                    <Tr key={a.id}>
                      <Td><Typography>{a.email}</Typography></Td>
                      <Td><Typography>{a.firstname}</Typography></Td>
                      <Td><Typography>{LEVELS[a.level] ?? a.level}</Typography></Td>
                      <Td><Typography>{scopeName(a, schoolNames)}</Typography></Td>
                      <Td><Button variant="secondary" size="S" onClick={() => reset(a)}>重置密码</Button></Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </Box>
          </>
        )}
      </Box>
    </Main>
  );
};

export default AccountsPage;

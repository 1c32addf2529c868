/** Home page widget: this unit's to-do (requests waiting, overdue) and its latest notices, each linking to the item. */
import * as React from 'react';
import { Badge, Box, Flex, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import { Link } from 'react-router-dom';

const TodoWidget = () => {
  const { get } = useFetchClient();
  const [todo, setTodo] = React.useState<any>(null);
  const [notes, setNotes] = React.useState<any[]>([]);
  React.useEffect(() => {
    get('/xueji/changes?box=todo&pageSize=5').then((r: any) => setTodo(r.data), () => setTodo(null));
    get('/xueji/notifications?unread=true').then((r: any) => setNotes(r.data.data.slice(0, 6)), () => setNotes([]));
  }, [get]);
  const waiting = todo?.meta?.pagination?.total ?? 0;
  const overdue = todo?.meta?.counts?.overdue ?? 0;
  return (
    <Flex direction="column" alignItems="stretch" gap={2} data-testid="todo-widget">
      <Flex gap={2}>
        <Link to="/plugins/approvals"><Badge>待办 {waiting}</Badge></Link>
        <Badge textColor="danger600">逾期 {overdue}</Badge>
      </Flex>
      {notes.map((n) => (
        <Box key={n.id}>
          <Link to={n.request ? `/plugins/approvals/print/${n.request.documentId}` : '/plugins/approvals'}>
            <Typography variant="pi">{n.message}</Typography>
          </Link>
        </Box>
      ))}
      {!notes.length && !waiting ? <Typography textColor="neutral600">没有待办事项</Typography> : null}
    </Flex>
  );
};

export default TodoWidget;

/** Routes of the 审批工作台 link: the workbench and the printable report. */
import * as React from 'react';
import { Routes, Route } from 'react-router-dom';
import Workbench from './Workbench';
import Print from './Print';

const App = () => (
  <Routes>
    <Route index element={<Workbench />} />
    <Route path="print/:id" element={<Print />} />
  </Routes>
);

export default App;

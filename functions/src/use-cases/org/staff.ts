import { randomBytes } from 'node:crypto';
import type { CreateStaffInput, Staff, StaffListQuery, StaffPage, UpdateStaffInput } from '#shared/contracts/org-staff.js';
import type { Principal } from '../../auth/principal.js';
import type { StaffRecord } from '../../data/staff.js';
import { StaffMissingError, StaffNoTakenError } from '../../data/staff.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { MAX_PHOTO_BYTES, photoType } from './staff-photo.js';
import { authorize, record, refuse } from '../../access/index.js';
import type { OrgDeps } from './org-deps.js';

/** Staff ids are random: they appear in window records and ratings, never as a 工号. */
export const newStaffId = () => `s-${randomBytes(8).toString('hex')}`;

const view = (staff: StaffRecord): Staff => ({
  id: staff.id,
  unitId: staff.unitId,
  staffNo: staff.staffNo,
  name: staff.name,
  post: staff.post,
  duties: staff.duties,
  pledge: staff.pledge,
  partyMember: staff.partyMember,
});

export async function listUnitStaff(deps: OrgDeps, principal: Principal, unitId: string, query: StaffListQuery): Promise<StaffPage> {
  const attempt = { action: 'staff.list', objectType: 'unit', objectId: unitId } as const;
  const unit = await authorize(deps, principal, 'org:read', attempt, { unit: unitId, field: 'unitId' });
  const page = await deps.staff.listUnit(unit.id, { limit: query.limit, cursor: query.cursor });
  // Names and posts of staff are personal data: reading the list is audited.
  await record(deps, principal, attempt, 'ok', { unitId, detail: `${page.items.length} staff` });
  return { staff: page.items.map(view), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

export async function getStaff(deps: OrgDeps, principal: Principal, staffId: string): Promise<Staff> {
  const attempt = { action: 'staff.read', objectType: 'staff', objectId: staffId } as const;
  const { staff } = await authorize(deps, principal, 'org:read', attempt, { staff: staffId, field: 'staffId' });
  await record(deps, principal, attempt, 'ok', { unitId: staff.unitId });
  return view(staff);
}

export async function createStaff(deps: OrgDeps, principal: Principal, unitId: string, input: CreateStaffInput): Promise<Staff> {
  const id = newStaffId();
  const attempt = { action: 'staff.create', objectType: 'staff', objectId: id } as const;
  const unit = await authorize(deps, principal, 'org:write', attempt, { unit: unitId, field: 'unitId' });
  if (unit.archived) await refuse(deps, principal, attempt, new ConflictError('unitId', 'is archived'), { unitId });
  const staff: StaffRecord = { id, unitId: unit.id, ...input };
  try {
    await deps.staff.createAll([staff]);
  } catch (error) {
    if (error instanceof StaffNoTakenError) await refuse(deps, principal, attempt, new ConflictError('staffNo', 'is already used in this unit'), { unitId });
    throw error;
  }
  await record(deps, principal, attempt, 'ok', { unitId });
  return view(staff);
}

export async function updateStaff(deps: OrgDeps, principal: Principal, staffId: string, input: UpdateStaffInput): Promise<Staff> {
  const attempt = { action: 'staff.update', objectType: 'staff', objectId: staffId } as const;
  const { staff: current } = await authorize(deps, principal, 'org:write', attempt, { staff: staffId, field: 'staffId' });
  try {
    const staff = await deps.staff.update(staffId, input);
    await record(deps, principal, attempt, 'ok', { unitId: current.unitId, detail: Object.keys(input).join(',') });
    return view(staff);
  } catch (error) {
    if (error instanceof StaffMissingError) throw new NotFoundError('staffId', 'staff member');
    throw error;
  }
}

/** The upload as the gateway delivers it: the image's bytes, base64-encoded when not UTF-8. */
export interface PhotoUpload {
  body: string | undefined;
  isBase64Encoded: boolean;
}

/** Store a staff member's photo (JPEG, PNG or WebP, ≤ 200 KB), replacing any earlier one. */
export async function setStaffPhoto(deps: OrgDeps, principal: Principal, staffId: string, upload: PhotoUpload): Promise<{ contentType: string; bytes: number }> {
  const attempt = { action: 'staff.photo', objectType: 'staff', objectId: staffId } as const;
  const { staff } = await authorize(deps, principal, 'org:write', attempt, { staff: staffId, field: 'staffId' });
  const bytes = upload.body === undefined ? Buffer.alloc(0) : upload.isBase64Encoded ? Buffer.from(upload.body, 'base64') : Buffer.from(upload.body, 'utf8');
  if (bytes.length === 0) await refuse(deps, principal, attempt, ValidationError.forField('photo', 'is empty'), { unitId: staff.unitId });
  if (bytes.length > MAX_PHOTO_BYTES) await refuse(deps, principal, attempt, ValidationError.forField('photo', `must be at most ${MAX_PHOTO_BYTES} bytes`), { unitId: staff.unitId });
  const contentType = photoType(bytes);
  if (!contentType) await refuse(deps, principal, attempt, ValidationError.forField('photo', 'must be a JPEG, PNG or WebP image'), { unitId: staff.unitId });
  await deps.staff.putPhoto(staffId, { contentType: contentType!, data: bytes.toString('base64') });
  await record(deps, principal, attempt, 'ok', { unitId: staff.unitId, detail: `${contentType} ${bytes.length} bytes` });
  return { contentType: contentType!, bytes: bytes.length };
}

/** The photo's bytes (base64) and type; a photo is personal data, so reading it is audited. */
export async function getStaffPhoto(deps: OrgDeps, principal: Principal, staffId: string): Promise<{ contentType: string; data: string }> {
  const attempt = { action: 'staff.photo.read', objectType: 'staff', objectId: staffId } as const;
  const { staff } = await authorize(deps, principal, 'org:read', attempt, { staff: staffId, field: 'staffId' });
  const photo = await deps.staff.getPhoto(staffId);
  if (!photo) throw new NotFoundError('staffId', 'photo');
  await record(deps, principal, attempt, 'ok', { unitId: staff.unitId });
  return photo;
}

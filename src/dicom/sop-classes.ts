/**
 * SOP classes by UID: a readable name, and whether the object is ultrasound.
 * Secondary captures count as ultrasound when their Modality is US.
 */

interface SopClass {
  name: string;
  ultrasound?: boolean;
  secondaryCapture?: boolean;
}

const SOP_CLASSES: Record<string, SopClass> = {
  '1.2.840.10008.5.1.4.1.1.6.1': { name: 'Ultrasound Image Storage', ultrasound: true },
  '1.2.840.10008.5.1.4.1.1.3.1': { name: 'Ultrasound Multi-frame Image Storage', ultrasound: true },
  '1.2.840.10008.5.1.4.1.1.6': { name: 'Ultrasound Image Storage (Retired)', ultrasound: true },
  '1.2.840.10008.5.1.4.1.1.3': { name: 'Ultrasound Multi-frame Image Storage (Retired)', ultrasound: true },
  '1.2.840.10008.5.1.4.1.1.6.2': { name: 'Enhanced US Volume Storage', ultrasound: true },
  '1.2.840.10008.5.1.4.1.1.7': { name: 'Secondary Capture Image Storage', secondaryCapture: true },
  '1.2.840.10008.5.1.4.1.1.7.1': { name: 'Multi-frame Single Bit Secondary Capture Image Storage', secondaryCapture: true },
  '1.2.840.10008.5.1.4.1.1.7.2': { name: 'Multi-frame Grayscale Byte Secondary Capture Image Storage', secondaryCapture: true },
  '1.2.840.10008.5.1.4.1.1.7.3': { name: 'Multi-frame Grayscale Word Secondary Capture Image Storage', secondaryCapture: true },
  '1.2.840.10008.5.1.4.1.1.7.4': { name: 'Multi-frame True Color Secondary Capture Image Storage', secondaryCapture: true },
  '1.2.840.10008.5.1.4.1.1.1': { name: 'Computed Radiography Image Storage' },
  '1.2.840.10008.5.1.4.1.1.1.1': { name: 'Digital X-Ray Image Storage - For Presentation' },
  '1.2.840.10008.5.1.4.1.1.1.2': { name: 'Digital Mammography X-Ray Image Storage - For Presentation' },
  '1.2.840.10008.5.1.4.1.1.2': { name: 'CT Image Storage' },
  '1.2.840.10008.5.1.4.1.1.2.1': { name: 'Enhanced CT Image Storage' },
  '1.2.840.10008.5.1.4.1.1.4': { name: 'MR Image Storage' },
  '1.2.840.10008.5.1.4.1.1.4.1': { name: 'Enhanced MR Image Storage' },
  '1.2.840.10008.5.1.4.1.1.12.1': { name: 'X-Ray Angiographic Image Storage' },
  '1.2.840.10008.5.1.4.1.1.20': { name: 'Nuclear Medicine Image Storage' },
  '1.2.840.10008.5.1.4.1.1.66.4': { name: 'Segmentation Storage' },
  '1.2.840.10008.5.1.4.1.1.77.1.1.1': { name: 'Video Endoscopic Image Storage' },
  '1.2.840.10008.5.1.4.1.1.77.1.4': { name: 'VL Photographic Image Storage' },
  '1.2.840.10008.5.1.4.1.1.128': { name: 'Positron Emission Tomography Image Storage' },
};

export function sopClassName(uid: string): string {
  return SOP_CLASSES[uid]?.name ?? (uid ? `unknown SOP class ${uid}` : 'no SOP class');
}

/** True for the ultrasound SOP classes, and for secondary captures whose Modality is US. */
export function isUltrasoundSopClass(uid: string, modality: string | undefined): boolean {
  const sop = SOP_CLASSES[uid];
  if (sop?.ultrasound) return true;
  return Boolean(sop?.secondaryCapture && modality?.toUpperCase() === 'US');
}
